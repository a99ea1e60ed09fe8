"""Named faults: one realistic planted defect each, so every check of the suite can be seen to fail.

Faults are data (name, the rule id of specs/rules.yaml it breaks, what a client sees); the code
that plants them asks `FaultSet.on(name)` at the one place the defect lives. Every fault fires on
input a conformance suite ordinarily sends (a 51-character code, a null in a list, a request
without credentials), never on one magic value.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    rule: str
    description: str


FAULTS: tuple[Fault, ...] = (
    # ---------------------------------------------------------------- GEP envelope (000, 001, 003)
    Fault("gep-statuscode-as-number", "GEP-STATUSCODE-IS-STRING",
          "the envelope's statusCode is a JSON number (200) instead of a string"),
    Fault("gep-envelope-drops-success-details", "GEP-ENVELOPE-SHAPE",
          "the envelope has no successDetails key at all"),
    Fault("gep-error-detail-without-errors-list", "GEP-ERROR-DETAIL-SHAPE",
          "errorDetails entries carry errorCode/errorDescription directly, without an errors list"),
    Fault("gep-success-http-202", "GEP-SUCCESS-ANSWER",
          "an accepted request gets HTTP 202 and statusCode \"202\""),
    Fault("gep-rejection-says-200", "GEP-REJECTION-ANSWER",
          "a rejected request carries statusCode \"200\" (the error is only in errorDetails)"),
    Fault("gep-success-lists-row-ids", "GEP-SUCCESS-KEYS-WERE-SENT",
          "successDetails lists internal row numbers (\"1\", \"2\") instead of the sent keys"),
    Fault("gep-rejected-key-also-succeeds", "GEP-NO-KEY-BOTH-SUCCEEDED-AND-FAILED",
          "a rejected item's key is listed in errorDetails and in successDetails"),
    Fault("gep-envelope-as-text-plain", "GEP-JSON-RESPONSE",
          "envelopes are sent with Content-Type text/plain"),
    Fault("gep-500-on-null-item", "GEP-NO-SERVER-ERROR",
          "a null or non-object item in the batch list gets HTTP 500"),
    Fault("gep-500-on-negative-threshold", "GEP-NO-SERVER-ERROR",
          "OrgManagers with a negative thresholdAmount gets HTTP 500"),
    # ---------------------------------------------------------- UpdateProcessedPORStatus (000)
    Fault("por-key-not-mandatory", "POR-KEY-MANDATORY",
          "a model item without a key, or with an empty key, is accepted"),
    Fault("por-accepts-unknown-order", "POR-UNKNOWN-ORDER-REJECTED",
          "a key that is no known order number is accepted"),
    Fault("por-success-details-empty", "POR-SUCCESS-LISTS-KEYS",
          "an accepted status update answers with an empty successDetails"),
    Fault("por-model-not-list-accepted", "POR-TYPES-ENFORCED",
          "a model that is one object (not a list) is accepted as a one-item batch"),
    Fault("por-messages-reworded", "POR-MESSAGES",
          "rejections say \"Order not found\" / \"Key required\" instead of the documented texts"),
    # ------------------------------------------------------ UpdateContactInterfaceStatus (001)
    Fault("contact-code-not-mandatory", "CONTACT-CODE-MANDATORY",
          "an item without a clientContactCode, or with an empty one, is accepted"),
    Fault("contact-empty-status-accepted", "CONTACT-STATUS-MANDATORY",
          "an empty or missing interfaceStatus is accepted (no mandatory check)"),
    Fault("contact-success-lists-status", "CONTACT-SUCCESS-LISTS-CODES",
          "successDetails lists the interfaceStatus values instead of the clientContactCodes"),
    Fault("contact-object-body-accepted", "CONTACT-TYPES-ENFORCED",
          "a single object body (not a list) is accepted as a one-item batch"),
    Fault("contact-messages-reworded", "CONTACT-MESSAGES",
          "rejections say \"Status required\" instead of \"Interface Status is mandatory\""),
    # ---------------------------------------------------------------- SaveOrgEntityManagers (003)
    Fault("org-entity-code-not-mandatory", "ORG-ENTITY-CODE-MANDATORY",
          "an item without an entityCode, or with an empty one, is accepted"),
    Fault("org-entity-code-no-max-length", "ORG-ENTITY-CODE-MAX-50",
          "an entityCode longer than 50 characters is accepted (and saved as a new entity)"),
    Fault("org-accepts-unknown-entity", "ORG-ENTITY-CODE-KNOWN",
          "an entityCode of at most 50 characters that names no entity is accepted"),
    Fault("org-empty-manager-list-accepted", "ORG-MANAGER-MANDATORY",
          "a missing or empty managerCode list is accepted"),
    Fault("org-accepts-unknown-manager", "ORG-MANAGER-KNOWN",
          "a managerCode entry that names no manager is accepted"),
    Fault("org-structure-not-mandatory", "ORG-STRUCTURE-MANDATORY",
          "a missing or empty structureName is accepted"),
    Fault("org-accepts-unknown-structure", "ORG-STRUCTURE-KNOWN",
          "a structureName that names no structure is accepted"),
    Fault("org-structure-members-not-checked", "ORG-ENTITIES-MATCH-STRUCTURE",
          "orgEntities of another structure are accepted"),
    Fault("org-currency-no-max-length", "ORG-CURRENCY-MAX-3",
          "a currencyCode longer than 3 characters is accepted"),
    Fault("org-accepts-unknown-currency", "ORG-CURRENCY-KNOWN",
          "a currencyCode of at most 3 characters that names no currency is accepted"),
    Fault("org-orgentity-fields-not-mandatory", "ORG-ORGENTITY-FIELDS-MANDATORY",
          "an orgEntities item without entityType or lobEntityCode is accepted"),
    Fault("org-accepts-unknown-entity-type", "ORG-ORGENTITY-CODES-KNOWN",
          "an orgEntities item with an unknown entityType or lobEntityCode is accepted"),
    Fault("org-orgentity-entity-code-unchecked", "ORG-ORGENTITY-CODES-KNOWN",
          "an orgEntities entityCode is never looked up: an unknown one is accepted"),
    Fault("org-success-lists-structure", "ORG-SUCCESS-LISTS-ENTITIES",
          "successDetails lists the structureName instead of each saved entityCode"),
    Fault("org-threshold-text-accepted", "ORG-TYPES-ENFORCED",
          "a non-numeric thresholdAmount (\"abc\") or a managerCode string is accepted"),
    Fault("org-messages-generic-only", "ORG-MESSAGES",
          "rejections say only \"Bad request\", neither field texts nor the documented generic"),
    # ---------------------------------------------------------------- PO modify (002)
    Fault("po-accepts-unknown-po", "PO-ONLY-EXISTING-PO",
          "a modification of a PO that does not exist succeeds"),
    Fault("po-modifies-draft-po", "PO-ONLY-AUTHORISED-PO",
          "a modification of an existing but unauthorised PO succeeds"),
    Fault("po-success-http-202", "PO-SUCCESS-ANSWER",
          "an accepted modification gets HTTP 202"),
    Fault("po-rejection-without-errors", "PO-REJECTION-ANSWER",
          "a rejected modification gets HTTP 200 with an empty errors list"),
    Fault("po-echo-swaps-po-numbers", "PO-ECHOES-IDENTIFIERS",
          "the answer's poExternalNumber holds the internal number"),
    Fault("po-echo-drops-fields", "PO-ECHOES-PRESENT",
          "the answer omits sourceTxnId and processStatus"),
    Fault("po-errors-as-strings", "PO-ERRORS-SHAPE",
          "errors is a list of plain strings instead of {errorCode, errorDesc} objects"),
    Fault("po-answer-status-as-number", "PO-ANSWER-FIELD-TYPES",
          "a JSON success answer's poStatus and processStatus are numbers (2, 0), not strings"),
    Fault("po-auth-not-enforced", "PO-CREDENTIALS-REQUIRED",
          "a request without credentials is served"),
    Fault("po-readonly-may-modify", "PO-NOT-AUTHORIZED",
          "the read-only token may modify POs"),
    Fault("po-json-answer-as-text-plain", "PO-JSON-SUPPORTED",
          "JSON answers are sent with Content-Type text/plain"),
    Fault("po-xml-refused", "PO-XML-SUPPORTED",
          "an application/xml request gets 415"),
    Fault("po-number-field-text-accepted", "PO-TYPES-ENFORCED",
          "a non-numeric string in a number field (netPoAmount: \"abc\") is accepted"),
    Fault("po-authrequire-any-value", "PO-AUTHREQUIRE-Y-OR-N",
          "authRequire values other than Y or N are accepted"),
    Fault("po-500-on-odd-input", "PO-NO-SERVER-ERROR",
          "a malformed body or a null item in data gets HTTP 500"),
    # ---------------------------------------------------------------- Smart Materials (004)
    Fault("smat-bearer-not-required", "SMAT-BEARER-REQUIRED",
          "a request without a valid bearer token is served"),
    Fault("smat-privilege-not-checked", "SMAT-PRIVILEGE-REQUIRED",
          "a token without API_AGREEMENT may create and update events"),
    Fault("smat-event-fields-not-mandatory", "SMAT-EVENT-FIELDS-MANDATORY",
          "an event without AttpId, OrderSeq or PpeCode is accepted"),
    Fault("smat-orderseq-unbounded", "SMAT-ORDERSEQ-MAX-99999",
          "an OrderSeq above 99999 is accepted"),
    Fault("smat-ppecode-no-max-length", "SMAT-PPECODE-MAX-10",
          "a PpeCode longer than 10 characters is accepted"),
    Fault("smat-description-no-max-length", "SMAT-DESCRIPTION-MAX-500",
          "a Description longer than 500 characters is accepted"),
    Fault("smat-indicators-any-value", "SMAT-INDICATORS-Y-OR-N",
          "indicator values other than Y or N are accepted"),
    Fault("smat-unsent-indicators-stored-y", "SMAT-INDICATOR-DEFAULTS",
          "a new event sent without indicators comes back with them Y (any value but N, a "
          "missing one included, is taken as Y)"),
    Fault("smat-upsert-duplicates", "SMAT-UPSERT",
          "an event that exists is inserted again as a new event instead of being updated"),
    Fault("smat-approved-agreement-updated", "SMAT-APPROVED-AGREEMENT-FROZEN",
          "events of an approved agreement are updated"),
    Fault("smat-locked-fields-change", "SMAT-LOCKED-FIELDS-FROZEN",
          "protected fields of a locked event are updated"),
    Fault("smat-unknown-po-accepted", "SMAT-UNKNOWN-PO-REJECTED",
          "a call for a PO id that does not exist creates that PO"),
    Fault("smat-value-omits-new-events", "SMAT-SUCCESS-ANSWER",
          "value shows the PO's events as they were before the call (new events missing)"),
    Fault("smat-odata-context-not-a-url", "SMAT-ODATA-RESPONSE",
          "@odata.context is a sentence, not a context URL (absolute or $metadata#...)"),
    Fault("smat-number-text-accepted", "SMAT-TYPES-ENFORCED",
          "a string in AttpId, OrderSeq, PaymentPercent or PaymentWeeks is stored as sent"),
    Fault("smat-answer-as-text-plain", "SMAT-JSON-RESPONSE",
          "JSON answers are sent with Content-Type text/plain"),
    Fault("smat-500-on-null-event", "SMAT-NO-SERVER-ERROR",
          "a null or non-object item in the PPE list gets HTTP 500"),
    # ------------------------------------------- the kinds a suite misses without targeted cases
    # A boundary refused from the accepting side (the limit checked with >= instead of >).
    Fault("org-entity-code-max-exclusive", "ORG-ENTITY-CODE-MAX-50",
          "a known entityCode of exactly 50 characters is refused as too long"),
    Fault("org-currency-max-exclusive", "ORG-CURRENCY-MAX-3",
          "a known currencyCode of exactly 3 characters is refused as too long"),
    Fault("smat-orderseq-max-exclusive", "SMAT-ORDERSEQ-MAX-99999",
          "an OrderSeq of exactly 99999 is refused as above the maximum"),
    Fault("smat-ppecode-max-exclusive", "SMAT-PPECODE-MAX-10",
          "a PpeCode of exactly 10 characters is refused as too long"),
    Fault("smat-description-max-exclusive", "SMAT-DESCRIPTION-MAX-500",
          "a Description of exactly 500 characters is refused as too long"),
    # A list validated at its first item only.
    Fault("por-checks-first-item-only", "POR-UNKNOWN-ORDER-REJECTED",
          "only the first model item's key is looked up: an unknown order later in the list "
          "is accepted"),
    Fault("contact-checks-first-item-only", "CONTACT-STATUS-MANDATORY",
          "only the first item's interfaceStatus is checked: an empty one later is accepted"),
    Fault("org-manager-codes-first-only", "ORG-MANAGER-KNOWN",
          "only managerCode[0] is looked up: an unknown manager later in the list is accepted"),
    Fault("org-orgentities-first-only", "ORG-ORGENTITY-CODES-KNOWN",
          "only orgEntities[0] has its entityType and lobEntityCode looked up"),
    Fault("org-batch-first-item-only", "ORG-ENTITY-CODE-KNOWN",
          "only the batch's first item has its entityCode looked up: an unknown entity later in "
          "the batch is saved"),
    Fault("po-data-first-item-only", "PO-ONLY-EXISTING-PO",
          "only data[0]'s PO is looked up: an unknown PO later in data is answered as modified"),
    Fault("po-commodities-first-item-only", "PO-TYPES-ENFORCED",
          "only commodityList[0] is type-checked: a non-numeric quantity later is accepted"),
    Fault("smat-indicators-first-event-only", "SMAT-INDICATORS-Y-OR-N",
          "only PPE[0]'s indicators are checked for Y or N"),
    # One field of a group left out.
    Fault("smat-locked-dates-unprotected", "SMAT-LOCKED-FIELDS-FROZEN",
          "a locked event's PlanCompletionDate and PaymentDate may change (the other nine "
          "protected fields are kept)"),
    Fault("org-orgentity-lob-not-mandatory", "ORG-ORGENTITY-FIELDS-MANDATORY",
          "an orgEntities item without lobEntityCode is accepted (entityType stays mandatory)"),
    # A documented default not applied (for one field of the four).
    Fault("smat-paid-indicator-default-y", "SMAT-INDICATOR-DEFAULTS",
          "a new event sent without PaidInd is stored with PaidInd Y (the other three "
          "default to N)"),
    # A rule kept for one media type and broken for the other.
    Fault("po-xml-credentials-not-checked", "PO-CREDENTIALS-REQUIRED",
          "an application/xml request without credentials is served (JSON ones get 401)"),
    Fault("po-xml-numbers-not-checked", "PO-TYPES-ENFORCED",
          "in an XML body, non-numeric text in a number field is read as absent and accepted"),
    Fault("po-json-draft-po-modified", "PO-ONLY-AUTHORISED-PO",
          "a JSON modification of an unauthorised PO succeeds (the XML path refuses it)"),
    # The right object: an update landing elsewhere, a mixed call applied in part.
    Fault("smat-update-lands-on-next-event", "SMAT-UPSERT",
          "an update of an existing event is applied to the PO's next event (an index off by "
          "one)"),
    Fault("smat-mixed-call-skips-new-events", "SMAT-UPSERT",
          "a call holding an existing event updates it and drops the new events sent with it"),
)

FAULTS_BY_NAME: dict[str, Fault] = {fault.name: fault for fault in FAULTS}


class UnknownFault(ValueError):
    """A fault name that FAULTS does not define (a typo on the command line or in a test)."""


class FaultSet:
    """The faults switched on for one app; asking for an undefined name is a programming error."""

    def __init__(self, names: tuple[str, ...] | list[str] | frozenset[str] = ()) -> None:
        unknown = sorted(set(names) - FAULTS_BY_NAME.keys())
        if unknown:
            raise UnknownFault(f"unknown fault(s): {', '.join(unknown)}")
        self.names = frozenset(names)

    def on(self, name: str) -> bool:
        if name not in FAULTS_BY_NAME:
            raise KeyError(f"fault {name!r} is not defined in FAULTS")
        return name in self.names
