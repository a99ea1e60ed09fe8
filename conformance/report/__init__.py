"""The run's reports beyond summary.json: the HTML rule matrix and evidence, JUnit failure texts,
the baseline diff and the waivers. Reads rule results and summary dicts; sends nothing."""
