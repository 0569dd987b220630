"""Made-up data at national scale for load tests and benchmarks (``manage.py
generate_load_data``, issue #18): referring organisations with their nurses, warehouses with
pick-up points and volunteers, municipalities with postcode ranges, referrals over several years
in every status and delivery method with their history, follow-up kits, reservations, pick lists
and a stock ledger, all the same for the same seed.

Unlike ``demo_history`` (a year of referrals through the real services, a few hundred), this
writes in bulk (``startpakket.bulk``), so 100,000 referrals and a million movements take
minutes: the rows are made to look as the services would have left them (the window from
``window_fields``, a history whose last row is the status, the levels from the ledger by
``ledger.repair``), and ``ledger.find_drift()`` checks the stock at the end. A composition
root, like ``demo``: it may use every slice.
"""

import contextlib
import dataclasses
import datetime
import random
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from phonenumber_field.phonenumber import PhoneNumber

from eligibility import rules as eligibility_rules
from eligibility import services as eligibility
from eligibility import snapshot
from logistics.demo_history import FIRST_NAMES, LAST_NAMES, LETTERS
from logistics.models import (
    DeliveryMethod,
    Item,
    KitType,
    MovementKind,
    Municipality,
    OrganisationSettings,
    PickList,
    PickListEntry,
    PickupPoint,
    PostcodeRange,
    Referral,
    ReferralNumber,
    ReferralStatus,
    ReferralStatusChange,
    Reservation,
    ReservationLine,
    ReservationState,
    StockMovement,
    Warehouse,
)
from logistics.referrals import codes, workflow
from logistics.referrals.services import window_fields
from logistics.statistics import tally
from logistics.stock import ledger
from logistics.stock.services import kit_requirements
from startpakket import bulk, widgets
from startpakket.models import Organisation, User
from startpakket.roles import OrganisationKind, Role

S = ReferralStatus
M = DeliveryMethod
CHUNK = 5_000
LEDGER_CHUNK = 20_000
YEARS = 3
REFERRALS_PER_ORGANISATION = 25
# Still open this many days after it was referred is unusual: older referrals are mostly done.
RECENT_DAYS = 120
# Where a referral older than that ended (out of 100); "handed over" is the method's own status.
OLD_OUTCOMES = {"handed_over": 84, S.REJECTED: 9, S.CANCELLED: 5, S.DELIVERY_FAILED: 0.3,
                S.NOT_COLLECTED: 0.5, S.NEEDS_INFO: 0.2}
RECENT_OUTCOMES = {"handed_over": 40, S.SUBMITTED: 12, S.NEEDS_INFO: 5, S.APPROVED: 10,
                   S.SCHEDULED: 6, S.PACKED: 6, S.DELIVERY_FAILED: 3, S.NOT_COLLECTED: 2,
                   S.REJECTED: 9, S.CANCELLED: 7}
METHODS = {M.DELIVERY: 80, M.PICKUP: 12, M.POST: 8}
HANDED_OVER = {M.DELIVERY: S.DELIVERED, M.PICKUP: S.COLLECTED, M.POST: S.SHIPPED}
# The steps after submitting (or planning) that end in each status.
_PACKED = [S.APPROVED, S.SCHEDULED, S.PACKED]
PATHS = {
    S.SUBMITTED: [], S.NEEDS_INFO: [S.NEEDS_INFO], S.REJECTED: [S.REJECTED],
    S.CANCELLED: [S.CANCELLED], S.APPROVED: [S.APPROVED], S.SCHEDULED: [S.APPROVED, S.SCHEDULED],
    S.PACKED: _PACKED, S.DELIVERY_FAILED: [*_PACKED, S.DELIVERY_FAILED],
    S.DELIVERED: [*_PACKED, S.DELIVERED], S.COLLECTED: [*_PACKED, S.COLLECTED],
    S.NOT_COLLECTED: [*_PACKED, S.NOT_COLLECTED], S.SHIPPED: [*_PACKED, S.SHIPPED],
}
# Some take a detour on the way: a question first, a failed delivery, a late collection.
DETOURS = {
    S.DELIVERED: [S.APPROVED, S.SCHEDULED, S.PACKED, S.DELIVERY_FAILED, S.SCHEDULED, S.PACKED,
                  S.DELIVERED],
    S.COLLECTED: [*_PACKED, S.NOT_COLLECTED, S.COLLECTED],
}
ACTIVE_RESERVATION = {S.APPROVED, S.SCHEDULED}
GOODS_OUT = {S.PACKED, S.DELIVERY_FAILED, S.NOT_COLLECTED} | workflow.HANDED_OVER
ON_PICK_LIST = GOODS_OUT | {S.SCHEDULED}
LANGUAGES = ["nl"] * 14 + ["en", "en", "ar", "ar", "tr", "pl", "uk", "ti", "fa", "so", "ro"]
MUNICIPALITY_NAMES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Arnhem", "Haarlem", "Haarlemmermeer",
    "Amersfoort", "Zaanstad", "Enschede", "Den Bosch", "Zwolle", "Leiden", "Zoetermeer",
    "Leeuwarden", "Maastricht", "Dordrecht", "Ede", "Alphen aan den Rijn", "Westland", "Alkmaar",
    "Emmen", "Delft", "Venlo", "Deventer", "Sittard-Geleen", "Helmond", "Oss", "Amstelveen",
    "Hilversum", "Súdwest-Fryslân", "Heerlen", "Nissewaard",
]
STREETS = ["Dorpsstraat", "Kerkstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianalaan",
           "Beatrixstraat", "Lindelaan", "Eikenlaan", "Parkweg", "Marktplein", "Hoofdstraat"]
HISTORY_REASONS = {S.REJECTED: "Inkomen boven de grens.", S.CANCELLED: "Gezin verhuisd.",
                   S.NEEDS_INFO: "Graag de inkomsten van de partner aanvullen.",
                   S.DELIVERY_FAILED: "Niemand thuis."}


class AlreadyFilled(Exception):
    """The database holds referrals and the caller did not ask to add to them."""


@dataclasses.dataclass
class Plan:
    """One referral before it is written: what the bulk INSERTs need."""

    index: int
    created: datetime.datetime
    status: str
    steps: list  # [(status, at)]
    method: str
    organisation: int
    kit_type: KitType
    due: datetime.date
    follows: int | None = None  # the index of the first kit's plan
    code: str = ""


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@contextlib.contextmanager
def _own_times(*fields) -> Iterator[None]:
    """Bulk inserts with the times made up here rather than "now"."""
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def fill_ledger(count: int, user, warehouses, *, seed: int, first_day: datetime.datetime,
                days: int, opening_stock: int = 1_000, opening: dict | None = None,
                packed: list[int] | None = None) -> float:
    """INSERT an opening stock of every item at every warehouse and ``count`` movements
    (receipts, issues, count corrections) spread over ``days`` from ``first_day``, in chunks;
    returns seconds. ``opening`` ((item id, warehouse id) → quantity) raises the opening stock
    where more is reserved. ``packed``: reservations of packed kits, one of which each issue
    belongs to (so the statistics count them as packed). The stored levels are left to
    ``ledger.repair``."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, the same each time
    items = list(Item.objects.values_list("pk", flat=True))
    fields = {name: StockMovement._meta.get_field(name)
              for name in ("item", "warehouse", "quantity", "kind", "batch", "note",
                           "created_by", "created_at", "reservation")}
    insert = _inserter(StockMovement._meta.db_table, [f.column for f in fields.values()])
    batch_field, when_field = fields["batch"], fields["created_at"]
    opening = opening or {}
    start = time.perf_counter()
    # An opening stock of every item at every warehouse, so that a small ledger never issues
    # more than was received.
    rows = [(item, warehouse.pk, opening_stock + opening.get((item, warehouse.pk), 0),
             MovementKind.RECEIPT,
             batch_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128)), connection),
             "Beginvoorraad", user.pk, when_field.get_db_prep_value(first_day, connection), None)
            for item in items for warehouse in warehouses]
    insert(rows)
    for offset in range(0, count, LEDGER_CHUNK):
        rows = []
        for index in range(offset, min(offset + LEDGER_CHUNK, count)):
            roll = rng.random()
            if roll < 0.12:
                kind, quantity, note = MovementKind.RECEIPT, rng.randint(20, 200), "Levering"
            elif roll < 0.92:
                kind, quantity, note = MovementKind.ISSUE, -rng.randint(1, 6), ""
            else:
                kind, quantity, note = MovementKind.COUNT_CORRECTION, rng.choice([-2, -1, 1]), ""
            when = first_day + datetime.timedelta(seconds=days * 86_400 * index // count)
            rows.append((
                rng.choice(items), rng.choice(warehouses).pk, quantity, kind,
                batch_field.get_db_prep_value(uuid.UUID(int=rng.getrandbits(128)), connection),
                note, user.pk, when_field.get_db_prep_value(when, connection),
                rng.choice(packed) if packed and kind == MovementKind.ISSUE else None,
            ))
        insert(rows)
    return time.perf_counter() - start


def _inserter(table: str, columns: list[str]) -> Callable[[list[tuple]], None]:
    """A function that inserts rows of ``columns`` into ``table`` in one transaction each
    call (``startpakket.bulk``)."""
    def insert(rows: list[tuple]) -> None:
        with transaction.atomic():
            bulk.insert_rows(table, columns, rows)
    return insert


class Generator:
    """``Generator(referrals=…, movements=…, seed=…, say=print).run()``."""

    def __init__(self, *, referrals: int, movements: int, seed: int, append: bool = False,
                 say: Callable[[str], None] = print):
        self.count, self.movements, self.seed, self.append = referrals, movements, seed, append
        self.say = say
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, the same each time
        self.now = timezone.now().replace(minute=0, second=0, microsecond=0)
        self.today = timezone.localdate()
        self.first_day = self.now - datetime.timedelta(days=365 * YEARS)

    # -- the steps --------------------------------------------------------------------------

    def run(self) -> dict:
        if Referral.objects.exists() and not self.append:
            raise AlreadyFilled
        started = time.perf_counter()
        self._step("organisations, users, warehouses, pick-up points", self._world)
        self._step("municipalities and postcode ranges", self._municipalities)
        self._step("referrals planned", self._plan)
        self._step("reservations", self._reservations)
        self._step("referrals", self._referrals)
        self._step("status history", self._history)
        self._step("pick lists", self._pick_lists)
        self._step("stock movements", self._ledger)
        self._step("stock levels from the ledger", self._levels)
        self._step("statistics counted", tally.rebuild)
        drift = ledger.find_drift()
        self.say(f"done in {time.perf_counter() - started:.1f} s; stock drift: {len(drift)}")
        return {"drift": drift, "statuses": Counter(plan.status for plan in self.plans)}

    def _step(self, label: str, action: Callable[[], int]) -> None:
        start = time.perf_counter()
        with transaction.atomic():
            made = action()
        self.say(f"{label}: {made:,} in {time.perf_counter() - start:.1f} s")

    # -- organisations and people -----------------------------------------------------------

    def _tag(self) -> str:
        """A prefix for codes and usernames that no earlier run used (``--append``)."""
        tag, run = f"ld{self.seed}", 1
        while Organisation.objects.filter(code__startswith=f"{tag}-").exists():
            run += 1
            tag = f"ld{self.seed}r{run}"
        return tag

    def _world(self) -> int:
        rng, tag = self.rng, self._tag()
        self.kit_types = {kit.code: kit for kit in KitType.objects.select_related("follow_up")}
        self.first_kits = [kit for kit in self.kit_types.values() if kit.follow_up_id] or list(
            self.kit_types.values())
        warehouses = max(2, min(8, 2 + self.count // 25_000))
        referrers = max(3, self.count // REFERRALS_PER_ORGANISATION)
        organisations = [Organisation(code=f"{tag}-stichting", name=f"Stichting {tag}",
                                      kind=OrganisationKind.FOUNDATION)]
        organisations += [Organisation(code=f"{tag}-magazijn-{n + 1}", name=f"Magazijn {n + 1}",
                                       kind=OrganisationKind.WAREHOUSE)
                          for n in range(warehouses)]
        kinds = ["Consultatiebureau", "Wijkteam", "Verloskundigenpraktijk", "Voedselbank",
                 "Kraamzorg"]
        organisations += [Organisation(
            code=f"{tag}-verwijzer-{n + 1}",
            name=f"{kinds[n % len(kinds)]} {MUNICIPALITY_NAMES[n % len(MUNICIPALITY_NAMES)]} "
                 f"{n // len(MUNICIPALITY_NAMES) + 1}",
            kind=OrganisationKind.REFERRER) for n in range(referrers)]
        made = Organisation.objects.bulk_create(organisations, batch_size=1000)
        # Made in bulk, which tells nothing: the organisations a filter offers, kept in every
        # process (``widgets.NamedChoices``), are read again.
        widgets.options_changed()
        self.foundation, self.warehouses = made[0], [
            Warehouse.objects.get(pk=o.pk) for o in made[1:1 + warehouses]]
        self.referrers = [o.pk for o in made[1 + warehouses:]]
        self.position_of = {pk: n for n, pk in enumerate(self.referrers)}
        # Each referring organisation's kits are packed at one warehouse.
        self.warehouse_of = {pk: self.warehouses[n % warehouses].pk
                             for n, pk in enumerate(self.referrers)}
        OrganisationSettings.objects.bulk_create(
            [OrganisationSettings(organisation_id=pk, default_warehouse_id=warehouse)
             for pk, warehouse in self.warehouse_of.items()], batch_size=1000)
        points = PickupPoint.objects.bulk_create([
            PickupPoint(code=f"{tag}-punt-{w + 1}-{p + 1}", warehouse=warehouse,
                        name=f"{['Bibliotheek', 'Buurthuis', 'Voedselbank'][p]} {w + 1}",
                        address=f"{STREETS[p]} {w + p + 1}", postcode=f"{1011 + w * 97} AB",
                        city=MUNICIPALITY_NAMES[w], opening_hours="ma–vr 10:00–17:00")
            for w, warehouse in enumerate(self.warehouses) for p in range(3)])
        self.points_of = defaultdict(list)
        for point in points:
            self.points_of[point.warehouse_id].append(point.pk)
        # Users log in with a password set later by a coordinator: none is usable now (and no
        # hashing of thousands of passwords).
        users = [User(username=f"{tag}-coordinator-{n + 1}", organisation_id=self.foundation.pk,
                      is_staff=True) for n in range(2)]
        users += [User(username=f"{tag}-magazijn-{w + 1}-{n + 1}", organisation_id=warehouse.pk)
                  for w, warehouse in enumerate(self.warehouses) for n in range(2)]
        users += [User(username=f"{tag}-verpleegkundige-{n + 1}", organisation_id=pk,
                       first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES))
                  for n, pk in enumerate(self.referrers)]
        for user in users:
            user.set_unusable_password()
        users = User.objects.bulk_create(users, batch_size=1000)
        groups = {role: Group.objects.get(name=role.value) for role in Role}
        role_of = {OrganisationKind.FOUNDATION: Role.COORDINATOR,
                   OrganisationKind.WAREHOUSE: Role.WAREHOUSE,
                   OrganisationKind.REFERRER: Role.REFERRER}
        kind_of = {o.pk: o.kind for o in made}
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk,
                                 group_id=groups[role_of[kind_of[user.organisation_id]]].pk)
             for user in users], batch_size=1000)
        self.coordinators = [u.pk for u in users[:2]]
        self.volunteers = defaultdict(list)
        for user in users[2:2 + 2 * warehouses]:
            self.volunteers[user.organisation_id].append(user.pk)
        self.nurse_of = {user.organisation_id: user.pk for user in users[2 + 2 * warehouses:]}
        return len(made) + len(points) + len(users)

    def _municipalities(self) -> int:
        """Forty municipalities over most of the postcodes; a few areas no range covers
        ("unknown" in the statistics), as in life when the foundation serves only some."""
        rng = self.rng
        existing = set(Municipality.objects.values_list("code", flat=True))
        taken = list(PostcodeRange.objects.values_list("first", "last"))
        cuts = sorted(rng.sample(range(1001, 9999), len(MUNICIPALITY_NAMES) + 4))
        bounds = list(zip([1000, *cuts], [c - 1 for c in cuts] + [9999], strict=True))
        made = 0
        for n, (first, last) in enumerate(bounds):
            code = f"GM{(n * 37) % 10_000:04d}"
            if n % 11 == 5 or code in existing or any(
                    first <= t_last and t_first <= last for t_first, t_last in taken):
                continue  # left uncovered
            name = MUNICIPALITY_NAMES[n % len(MUNICIPALITY_NAMES)]
            municipality = Municipality.objects.create(
                code=code, name=name, price_per_kit=rng.choice([None, Decimal("80.00"),
                                                                Decimal("85.00")]))
            PostcodeRange.objects.create(municipality=municipality, first=first, last=last)
            made += 1
        self.municipality_at = {
            digits: municipality
            for municipality, first, last in PostcodeRange.objects.values_list(
                "municipality_id", "first", "last")
            for digits in range(first, last + 1)}
        return made

    # -- referrals ----------------------------------------------------------------------------

    def _plan(self) -> int:
        """Every referral's story: when, which status, which steps. Follow-up kits come after
        the first kits they follow (``follows``); codes are numbered per year by date."""
        rng, span = self.rng, (self.now - self.first_day).total_seconds()
        self.plans: list[Plan] = []
        # Referrals grow a little each year: more recent ones are likelier.
        while len(self.plans) < self.count:
            created = self.first_day + datetime.timedelta(
                seconds=int(span * rng.random() ** 0.85))
            # Office hours, mostly on weekdays.
            created = min(created.replace(hour=rng.randint(8, 17)),
                          self.now - datetime.timedelta(hours=2))
            kit_type = rng.choice(self.first_kits)
            due = (created + datetime.timedelta(days=rng.randint(70, 200))).date()
            plan = self._story(len(self.plans), created, kit_type, due,
                               rng.choice(self.referrers))
            self.plans.append(plan)
            if (plan.status in HANDED_OVER.values() and kit_type.follow_up_id
                    and len(self.plans) < self.count and rng.random() < 0.7):
                self.plans.append(self._follow_up(plan))
        by_year = Counter()
        numbers = dict(ReferralNumber.objects.values_list("year", "last"))
        for plan in sorted(self.plans, key=lambda p: (p.created, p.index)):
            year = timezone.localtime(plan.created).year  # as ``services.next_code``
            by_year[year] += 1
            plan.code = codes.format_code(year, numbers.get(year, 0) + by_year[year])
        self.last_numbers = {year: numbers.get(year, 0) + n for year, n in by_year.items()}
        return len(self.plans)

    def _story(self, index, created, kit_type, due, organisation, *, planned=False) -> Plan:
        rng = self.rng
        method = _weighted(rng, METHODS)
        age = (self.now - created).days
        outcome = _weighted(rng, OLD_OUTCOMES if age > RECENT_DAYS else RECENT_OUTCOMES)
        if outcome == "handed_over":
            outcome = HANDED_OVER[method]
        # A status belongs to one method (``workflow.METHOD_OF_STATUS``).
        if outcome in (S.DELIVERY_FAILED,) and method != M.DELIVERY:
            method = M.DELIVERY
        if outcome == S.NOT_COLLECTED:
            method = M.PICKUP
        path = DETOURS[outcome] if outcome in DETOURS and rng.random() < 0.05 else PATHS[outcome]
        if not planned and path and rng.random() < 0.04:
            path = [S.NEEDS_INFO, S.SUBMITTED, *path]
        gaps = [rng.randint(4, 24 * 9) for _ in path]
        room = (self.now - created).total_seconds() / 3600 - 1
        if sum(gaps) > room:
            # A recent one went faster: its steps fit between then and now.
            gaps = [max(gap * room / sum(gaps), 0.01) for gap in gaps]
        steps, at = [], created
        for status, gap in zip(path, gaps, strict=True):
            at += datetime.timedelta(hours=gap)
            steps.append((status, at))
        return Plan(index, created, outcome, steps, method, organisation, kit_type, due)

    def _follow_up(self, first: Plan) -> Plan:
        """Planned when the first kit was handed over; its window opens 13 weeks after the
        birth: still planned until then, afterwards on its way like any other (approved at
        once when the policy carries the first decision over, else submitted or asked about
        first)."""
        kit_type = self.kit_types[first.kit_type.follow_up.code]
        planned_at = first.steps[-1][1]
        opens = window_fields(kit_type, first.due)["window_opens"]
        opened_at = max(planned_at, timezone.make_aware(
            datetime.datetime.combine(opens, datetime.time(6))))
        index = len(self.plans)
        if opened_at >= self.now:
            plan = Plan(index, planned_at, S.PLANNED, [], first.method, first.organisation,
                        kit_type, first.due)
        else:
            plan = self._story(index, opened_at, kit_type, first.due, first.organisation,
                               planned=True)
            # From planned only these (``workflow.ALLOWED_TRANSITIONS``); else submitted first.
            if not plan.steps or plan.steps[0][0] not in (S.APPROVED, S.NEEDS_INFO, S.CANCELLED):
                plan.steps.insert(0, (S.SUBMITTED, opened_at))
            plan.created = planned_at
        plan.follows = first.index
        return plan

    def _reservations(self) -> int:
        """A reservation for each kit from its approval on: active (its lines held back) until
        packed, then consumed. Lines only where they still count: active, or packed and not yet
        handed over (a cancelled one may bring its goods back)."""
        lines_of = {
            (kit.pk, babies): kit_requirements(kit, babies=babies)
            for kit in self.kit_types.values() for babies in (1, 2)}
        wanted = [plan for plan in self.plans if plan.status in ACTIVE_RESERVATION | GOODS_OUT]
        made = []
        with _own_times(Reservation._meta.get_field("created_at")):
            for offset in range(0, len(wanted), CHUNK):
                chunk = wanted[offset:offset + CHUNK]
                reservations = []
                for plan in chunk:
                    steps = dict(plan.steps)
                    active = plan.status in ACTIVE_RESERVATION
                    reservations.append(Reservation(
                        warehouse_id=self.warehouse_of[plan.organisation],
                        kit_type=plan.kit_type, babies=self._babies(plan),
                        state=ReservationState.ACTIVE if active else ReservationState.CONSUMED,
                        created_by_id=self.coordinators[0], created_at=steps[S.APPROVED],
                        closed_at=None if active else steps[S.PACKED]))
                made += bulk.create(reservations)
        self.reservation_of = {}
        lines = []
        self.reserved = Counter()
        for plan, reservation in zip(wanted, made, strict=True):
            self.reservation_of[plan.index] = reservation.pk
            if plan.status in {S.APPROVED, S.SCHEDULED, S.PACKED, S.DELIVERY_FAILED,
                               S.NOT_COLLECTED}:
                for item, quantity in lines_of[(plan.kit_type.pk, reservation.babies)].items():
                    lines.append(ReservationLine(reservation=reservation, item=item,
                                                 quantity=quantity))
                    if reservation.state == ReservationState.ACTIVE:
                        self.reserved[(item.pk, reservation.warehouse_id)] += quantity
        bulk.create(lines)
        return len(made)

    def _babies(self, plan: Plan) -> int:
        # Twins about 2 in 100, from the code so a referral and its reservation agree.
        return 2 if plan.index % 50 == 7 else 1

    def _referrals(self) -> int:
        rng = self.rng
        phones = [PhoneNumber.from_string(f"06 {rng.randint(10_000_000, 99_999_999)}",
                                          region="NL") for _ in range(997)]
        stored = self._snapshots()
        self.pk_of = {}
        fields = [Referral._meta.get_field(name) for name in ("created_at", "updated_at")]
        with _own_times(*fields):
            # First kits, then follow-ups: a follow-up names the first kit's key.
            for follow_ups in (False, True):
                todo = [plan for plan in self.plans if (plan.follows is not None) == follow_ups]
                for offset in range(0, len(todo), CHUNK):
                    chunk = todo[offset:offset + CHUNK]
                    made = bulk.create([self._referral(plan, phones, stored) for plan in chunk])
                    self.pk_of.update((plan.index, r.pk) for plan, r in zip(chunk, made,
                                                                            strict=True))
        for year, last in self.last_numbers.items():
            ReferralNumber.objects.update_or_create(year=year, defaults={"last": last})
        return len(self.pk_of)

    def _snapshots(self) -> list[dict]:
        """A few households and their check, as the referral form stores them."""
        variants = []
        for age, partner, children, income in [(28, False, 0, 900), (31, True, 1, 1400),
                                               (24, False, 1, 1100), (35, True, 3, 1800),
                                               (41, True, 2, 2600)]:
            household = eligibility_rules.Household(
                applicant_age=age, has_partner=partner, partner_age=age + 2 if partner else None,
                children=children)
            incomes = (eligibility_rules.Income("wages", Decimal(income)),)
            decision = eligibility.check_eligibility(household=household, incomes=incomes)
            variants.append({"household": snapshot.household_to_json(household),
                             "incomes": snapshot.incomes_to_json(incomes),
                             "eligibility": snapshot.to_snapshot(decision)})
        return variants

    def _referral(self, plan: Plan, phones, stored) -> Referral:
        # The family's details from its own generator: a follow-up kit copies the first's.
        family = plan.index if plan.follows is None else plan.follows
        rng = random.Random(self.seed * 1_000_003 + family)  # noqa: S311 - made-up data
        digits = self._postcode_digits(self.plans[family], rng)
        warehouse = self.warehouse_of[plan.organisation]
        steps = dict(plan.steps)
        handed_over = plan.status in HANDED_OVER.values()
        first = self.plans[plan.follows] if plan.follows is not None else None
        variant = stored[plan.index % len(stored)]
        last_at = plan.steps[-1][1] if plan.steps else plan.created
        return Referral(
            code=plan.code, status=plan.status, organisation_id=plan.organisation,
            referred_by_id=self.nurse_of[plan.organisation],
            parent_first_name=rng.choice(FIRST_NAMES), parent_last_name=rng.choice(LAST_NAMES),
            phone=rng.choice(phones), language=rng.choice(LANGUAGES),
            street=rng.choice(STREETS), house_number=rng.randint(1, 250),
            postcode=f"{digits} {rng.choice(LETTERS)}{rng.choice(LETTERS)}",
            city=MUNICIPALITY_NAMES[digits % len(MUNICIPALITY_NAMES)], due_date=plan.due,
            babies=self._babies(plan), kit_type=plan.kit_type,
            **window_fields(plan.kit_type, plan.due),
            delivery_method=plan.method,
            pickup_point_id=(rng.choice(self.points_of[warehouse])
                             if plan.method == M.PICKUP else None),
            tracking_number=(f"3S{rng.randint(10**11, 10**12 - 1)}"
                             if plan.status == S.SHIPPED else ""),
            consent=True, consent_date=(first or plan).created.date(),
            household=variant["household"], incomes=variant["incomes"],
            eligibility={**variant["eligibility"],
                         "checked_on": (first or plan).created.date().isoformat()},
            municipality_id=self.municipality_at.get(digits),
            warehouse_id=warehouse if S.APPROVED in steps else None,
            reservation_id=self.reservation_of.get(plan.index),
            follows_id=self.pk_of[plan.follows] if first else None,
            created_at=plan.created, updated_at=last_at,
            delivered_on=last_at.date() if handed_over else None,
        )

    def _postcode_digits(self, plan: Plan, rng: random.Random) -> int:
        """Near the referring organisation: its families live around it."""
        # By the organisation's place in the list, not its key: the same on every database.
        home = 1000 + (self.position_of[plan.organisation] * 7919) % 8900
        return min(9999, max(1000, home + rng.randint(-30, 30)))

    def _history(self) -> int:
        made = 0
        at_field = ReferralStatusChange._meta.get_field("at")
        with _own_times(at_field):
            for offset in range(0, len(self.plans), CHUNK):
                rows = []
                for plan in self.plans[offset:offset + CHUNK]:
                    rows += self._changes(plan)
                made += len(bulk.create(rows))
        return made

    def _changes(self, plan: Plan) -> list[ReferralStatusChange]:
        pk, nurse = self.pk_of[plan.index], self.nurse_of[plan.organisation]
        volunteers = self.volunteers[self.warehouse_of[plan.organisation]]
        if plan.follows is not None:
            first = self.plans[plan.follows]
            rows = [ReferralStatusChange(
                referral_id=pk, to_status=S.PLANNED, by_id=volunteers[0], at=plan.created,
                reason=f"Vervolgpakket van {first.code}, gepland toen dat pakket werd bezorgd.")]
            before = S.PLANNED
        else:
            rows = [ReferralStatusChange(referral_id=pk, to_status=S.SUBMITTED, by_id=nurse,
                                         at=plan.created)]
            before = S.SUBMITTED
        for status, at in plan.steps:
            if status in (S.SCHEDULED, S.PACKED, S.DELIVERED, S.DELIVERY_FAILED, S.COLLECTED,
                          S.SHIPPED):
                by = volunteers[plan.index % len(volunteers)]
            elif status == S.NOT_COLLECTED or (before == S.PLANNED):
                by = None  # the daily command
            elif status == S.SUBMITTED:
                by = nurse
            else:
                by = self.coordinators[plan.index % len(self.coordinators)]
            rows.append(ReferralStatusChange(referral_id=pk, from_status=before, to_status=status,
                                             by_id=by, at=at,
                                             reason=HISTORY_REASONS.get(status, "")))
            before = status
        return rows

    def _pick_lists(self) -> int:
        """One list per warehouse and week, holding the kits scheduled that week; a kit whose
        delivery failed has left its list."""
        groups = defaultdict(list)
        for plan in self.plans:
            if plan.status in ON_PICK_LIST:
                scheduled = [at for status, at in plan.steps if status == S.SCHEDULED][-1]
                week = scheduled.date() - datetime.timedelta(days=scheduled.weekday())
                groups[(self.warehouse_of[plan.organisation], week)].append((scheduled, plan))
        numbers = dict(PickList.objects.values("warehouse_id").annotate(last=Max("number"))
                       .values_list("warehouse_id", "last"))
        lists = []
        for (warehouse, _week), kits in sorted(groups.items()):
            numbers[warehouse] = numbers.get(warehouse, 0) + 1
            lists.append(PickList(warehouse_id=warehouse, number=numbers[warehouse],
                                  created_by_id=self.volunteers[warehouse][0],
                                  created_at=min(at for at, _plan in kits)))
        with _own_times(PickList._meta.get_field("created_at")):
            lists = PickList.objects.bulk_create(lists, batch_size=CHUNK)
        entries = []
        for pick_list, (_key, kits) in zip(lists, sorted(groups.items()), strict=True):
            kits.sort(key=lambda kit: (kit[1].due, kit[1].index))
            for position, (_at, plan) in enumerate(kits, start=1):
                removed = plan.steps[-1][1] if plan.status == S.DELIVERY_FAILED else None
                entries.append(PickListEntry(pick_list=pick_list,
                                             referral_id=self.pk_of[plan.index],
                                             position=position, removed_at=removed))
        PickListEntry.objects.bulk_create(entries, batch_size=CHUNK)
        return len(lists)

    # -- stock ----------------------------------------------------------------------------------

    def _ledger(self) -> int:
        # Enough opening stock that the reservations fit whatever the ledger does after it.
        fill_ledger(self.movements, User.objects.get(pk=self.coordinators[0]), self.warehouses,
                    seed=self.seed, first_day=self.first_day, days=365 * YEARS,
                    opening={key: quantity * 2 for key, quantity in self.reserved.items()},
                    packed=[self.reservation_of[plan.index] for plan in self.plans
                            if plan.status in GOODS_OUT])
        return self.movements

    def _levels(self) -> int:
        """The stored levels from the ledger and the reservations, as ``verify_stock --fix``
        sets them; where the made-up ledger took more out than came in, a count correction
        first (a level never goes below what is reserved, nor below zero)."""
        on_hand = {(row["item_id"], row["warehouse_id"]): row["total"]
                   for row in StockMovement.objects.filter(warehouse__in=self.warehouses)
                   .order_by().values("item_id", "warehouse_id").annotate(total=Sum("quantity"))}
        corrections = [
            StockMovement(item_id=item, warehouse_id=warehouse, kind=MovementKind.COUNT_CORRECTION,
                          quantity=self.reserved[(item, warehouse)] - total + 10,
                          note="Telling", created_by_id=self.coordinators[0])
            for (item, warehouse), total in sorted(on_hand.items())
            if total < self.reserved[(item, warehouse)] + 10]
        StockMovement.objects.bulk_create(corrections)
        return len(ledger.repair())


def generate(*, referrals: int, movements: int, seed: int, append: bool = False,
             say: Callable[[str], None] = print) -> dict:
    """Write the made-up data; ``AlreadyFilled`` when referrals exist and ``append`` is off."""
    return Generator(referrals=referrals, movements=movements, seed=seed, append=append,
                     say=say).run()
