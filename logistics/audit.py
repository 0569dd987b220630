"""What the audit trail (``startpakket.audit``) records of this app's models: per model,
auditlog's registration options. Handed over by ``LogisticsConfig.ready``."""

# A referral's diff holds only what says nothing about the family.
REFERRAL_FIELDS = [
    "code", "status", "organisation", "referred_by", "kit_type", "babies", "warehouse",
    "reservation", "eligibility_override", "consent", "created_at", "updated_at",
    "anonymised_at", "delivery_method", "pickup_point",
]

TRACKED: dict[str, dict] = {
    "logistics.Item": {},
    "logistics.KitType": {},
    "logistics.KitComponent": {},
    # The note is free text and stays in the (append-only) ledger row itself.
    "logistics.StockMovement": {"exclude_fields": ["note"]},
    "logistics.Reservation": {},
    "logistics.Referral": {"include_fields": REFERRAL_FIELDS},
    "logistics.PickList": {},
    "logistics.PickListEntry": {},
    # The reason may tell about the family (a question, an answer, a cancellation).
    "logistics.ReferralStatusChange": {"exclude_fields": ["reason"]},
    # An organisation's default warehouse and the contact line on the slips, tracked as they
    # were while they were fields of the organisation itself.
    "logistics.OrganisationSettings": {},
    "logistics.PickupPoint": {},
}
