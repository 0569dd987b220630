"""What the audit trail (``startpakket.audit``) records of this app's models: per model,
auditlog's registration options. Handed over by ``EligibilityConfig.ready``."""

TRACKED: dict[str, dict] = {
    "eligibility.NormTable": {},
    "eligibility.NormRow": {},
    "eligibility.Policy": {},
}
