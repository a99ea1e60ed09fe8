"""SaveOrgEntityManagers (document 003): managers, threshold and structure of known org entities.

Rules (Data Elements table): entityCode mandatory, at most 50, known; managerCode a list with at
least one known manager; structureName mandatory and known, its orgEntities members of it;
currencyCode at most 3 and known; orgEntities[] entityType and lobEntityCode mandatory and known,
entityCode present (the success example sends "" and succeeds; the variant decides).
"""

from conformance.mock.context import MockContext
from conformance.mock.fields import is_blank, is_number, is_text
from conformance.mock.gep_envelope import BodyRejected, GepOperation, Problem
from conformance.mock.http_io import PlantedServerError


def _v(text: str) -> Problem:
    return Problem("Validation", text)


def items_of(body: object, ctx: MockContext) -> list:
    if not isinstance(body, list):
        raise BodyRejected(_v("The body must be a list of org entity managers"))
    return body


def _entity_code(code: object, ctx: MockContext, index: int = 0) -> list[Problem]:
    faults = ctx.faults
    if is_blank(code):
        mandatory = _v("Entity Code is mandatory")
        return [] if faults.on("org-entity-code-not-mandatory") else [mandatory]
    if len(code) > 50 or (len(code) == 50 and faults.on("org-entity-code-max-exclusive")):
        return [] if faults.on("org-entity-code-no-max-length") else [
            _v("Max length for Entity Code is 50")]
    if code not in ctx.store.entities and not faults.on("org-accepts-unknown-entity") and not (
        index > 0 and faults.on("org-batch-first-item-only")  # the batch's later items
    ):
        return [_v("Invalid Entity Code")]
    return []


def _managers(managers: object, ctx: MockContext) -> list[Problem]:
    faults = ctx.faults
    if isinstance(managers, str) and faults.on("org-threshold-text-accepted"):
        managers = [managers]
    if managers is None or managers == []:
        return [] if faults.on("org-empty-manager-list-accepted") else [
            _v("At least One manager is mandatory")]
    if not isinstance(managers, list):
        return [_v("Manager Code must be a list of strings")]
    if faults.on("org-accepts-unknown-manager"):
        return [] if all(is_text(m) for m in managers) else [_v("Invalid Manager Code")]
    if ctx.faults.on("org-manager-codes-first-only"):  # the rest are only type-checked
        managers = managers[:1] + [m for m in managers[1:] if not is_text(m)]
    if any(not is_text(m) or m not in ctx.store.managers for m in managers):
        return [_v("Invalid Manager Code")]
    return []


def _currency(currency: object, ctx: MockContext) -> list[Problem]:
    if currency is None or currency == "":
        return []
    if not is_text(currency):
        return [_v("Invalid Currency Code")]
    if len(currency) > 3 or (len(currency) == 3 and ctx.faults.on("org-currency-max-exclusive")):
        return [] if ctx.faults.on("org-currency-no-max-length") else [
            _v("Max length for Currency Code is 3")]
    if currency not in ctx.store.currencies and not ctx.faults.on("org-accepts-unknown-currency"):
        return [_v("Invalid Currency Code")]
    return []


def _structure(name: object, ctx: MockContext) -> tuple[list[Problem], tuple | None]:
    """Problems with structureName, and the structure's members when it names one."""
    if is_blank(name):
        return ([] if ctx.faults.on("org-structure-not-mandatory") else [
            _v("Structure Name is mandatory")]), None
    members = ctx.store.structures.get(name)
    if members is None and not ctx.faults.on("org-accepts-unknown-structure"):
        return [_v("Invalid structure")], None
    return [], members


def _member(member: object, members: tuple | None, ctx: MockContext,
            index: int = 0) -> list[Problem]:
    if not isinstance(member, dict):
        return [_v("Each orgEntities item must be an object")]
    faults = ctx.faults
    code, kind = member.get("entityCode"), member.get("entityType")
    lob = member.get("lobEntityCode")
    problems = []
    if not is_text(code) or (code == "" and not ctx.variant.org_empty_member_code_accepted):
        problems.append(_v("OrgEntity/Entity Code is mandatory"))
    elif code and code not in ctx.store.entities and not faults.on(
            "org-orgentity-entity-code-unchecked"):
        problems.append(_v("Invalid Entity Code"))
    for value, mandatory, known, invalid in (
        (kind, "Entity Type is mandatory", ctx.store.entity_types, "Invalid Entity Type"),
        (lob, "LOB Entity Code is mandatory", ctx.store.lob_entity_codes,
         "Invalid LOB Entity Code"),
    ):
        lob_left_out = faults.on("org-orgentity-lob-not-mandatory") and mandatory.startswith("LOB")
        if is_blank(value):
            if not faults.on("org-orgentity-fields-not-mandatory") and not lob_left_out:
                problems.append(_v(mandatory))
        elif value not in known and not faults.on("org-accepts-unknown-entity-type") and not (
            index > 0 and faults.on("org-orgentities-first-only")
        ):
            problems.append(_v(invalid))
    if not isinstance(member.get("isDefault"), bool | None):
        problems.append(_v("isDefault must be a boolean"))
    if problems or members is None or faults.on("org-structure-members-not-checked"):
        return problems
    if faults.on("org-orgentity-entity-code-unchecked"):
        code = ""  # the defect matches the member by entityType and lobEntityCode alone
    codes_only = faults.on("org-accepts-unknown-entity-type") or (  # the defect skips type, LOB
        index > 0 and faults.on("org-orgentities-first-only"))
    if not any((not code or m.entity_code == code)
               and (codes_only or not kind or m.entity_type == kind)
               and (codes_only or not lob or m.lob_entity_code == lob) for m in members):
        return [_v("Org entities do not match with the structure")]
    return []


def _threshold(amount: object, ctx: MockContext) -> list[Problem]:
    if amount is None or is_number(amount):
        if is_number(amount) and amount < 0 and ctx.faults.on("gep-500-on-negative-threshold"):
            raise PlantedServerError
        return []
    if ctx.faults.on("org-threshold-text-accepted"):
        return []
    return [_v("Threshold Amount must be a number")]


def check_item(item: object, ctx: MockContext, index: int = 0) -> list[Problem]:
    if not isinstance(item, dict):
        return [_v("Each item must be an object")]
    structure_problems, members = _structure(item.get("structureName"), ctx)
    problems = [
        *_entity_code(item.get("entityCode"), ctx, index),
        *_managers(item.get("managerCode"), ctx),
        *structure_problems,
        *_currency(item.get("currencyCode"), ctx),
        *_threshold(item.get("thresholdAmount"), ctx),
    ]
    if not isinstance(item.get("isDeleted"), bool | str | None):
        problems.append(_v("isDeleted must be a boolean or a string"))
    org_entities = item.get("orgEntities")
    if org_entities is not None and not isinstance(org_entities, list):
        problems.append(_v("orgEntities must be a list"))
    for n, member in enumerate(org_entities if isinstance(org_entities, list) else []):
        problems += _member(member, members, ctx, n)
    if problems and ctx.faults.on("org-messages-generic-only"):
        return [Problem(p.category, "Bad request") for p in problems]
    return problems


def key_of(item: object) -> str | None:
    code = item.get("entityCode") if isinstance(item, dict) else None
    return code if isinstance(code, str) and code.strip() else None


def success_key_of(item: dict, ctx: MockContext) -> str:
    if ctx.faults.on("org-success-lists-structure"):
        return str(item.get("structureName"))
    return str(item.get("entityCode") or "")


def apply_item(item: dict, ctx: MockContext) -> None:
    code = str(item.get("entityCode") or "")
    ctx.store.entities.add(code)  # a saved entity is known from now on
    ctx.store.org_managers[code] = item


OPERATION = GepOperation(items_of, check_item, key_of, success_key_of, apply_item,
                         generic_exception=True)
