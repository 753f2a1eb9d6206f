"""Demo data for trying the portal out: `flask seed-demo` loads it.

This is demo data modelled on Birmingham's Commonwealth Games legacy programme (the five work
streams and their output targets as the council's case study gives them; see DOMAIN.md §1). The
organisations, people, addresses and registration numbers are invented. Nothing in the code
depends on this data: every fund, round, work stream, locality and criterion here is ordinary
configuration that officers can change or replace.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from portal.db import utcnow
from portal.demo_organisations import ORGANISATIONS
from portal.demo_panel import seed_panel_round
from portal.domain.measures import MeasureKind
from portal.domain.organisations import LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import (
    Criterion,
    Fund,
    Locality,
    Organisation,
    OrganisationMember,
    OutputMeasure,
    Round,
    Ward,
    WorkStream,
)
from portal.services import accounts

LONDON = ZoneInfo("Europe/London")

FUND = {
    "name": "Commonwealth Games Stronger Communities Fund",
    "description": "Money from the council to help local groups leave a lasting legacy from the "
    "2022 Commonwealth Games: people from different backgrounds getting to know each other, and "
    "feeling proud of where they live.",
    "total_budget": Decimal("500000"),
}

ROUND = {
    "title": "Community Investment Framework: expressions of interest 2026",
    "reference_prefix": "CIF-2026-",
    "min_amount": Decimal("500"),
    "max_amount": Decimal("5000"),
    "income_ceiling": Decimal("250000"),
    "guidance": (
        "This is an expression of interest (EOI): a short first application. Tell us who you are, "
        "what you would like to do, and who it will help. You do not need to write a long bid.\n\n"
        "Grassroots voluntary, community, faith and social enterprise groups can apply. You do "
        "not have to be a registered charity. If your group is not constituted (has no written "
        "rules or committee), you can still apply if another organisation agrees to hold the "
        "money for you and answer for how it is spent (an accountable body).\n\n"
        "You do not have to be working with the people a work stream is for already. Groups "
        "that plan to start working with them are welcome to apply.\n\n"
        "A panel of local residents and voluntary sector partners reads every EOI. They look at "
        "what you say, not how polished your English is. You can ask us for help to apply."
    ),
}

# Budgets: We Made Birmingham's £100K is the seeds' stated project cost. The others are demo
# assumptions: Heritage Trails 20 grants of £5,000; Get Communities Talking 29 grants of £5,000
# (its grant size is not stated); Inspiring Future Leaders its one £70,000 grant (more than this
# round's maximum: the seeds' streams do not all fit one round); the Peace Garden (council site
# work, not grassroots grants) £50,000 for partners' events. £465,000 of the fund's £500,000.
#
# Measures are every target ("T") of the stream in DOMAIN.md §1.4: (name, target, unit, help for
# groups). A target of None makes the measure qualitative (a description, a date or a plan).
WORK_STREAMS = (
    {
        "name": "We Made Birmingham",
        "short_name": "WMB",
        "budget": Decimal("100000"),
        "description": "Activities that build a shared sense of local identity by collecting "
        "newcomers' and settled residents' stories of migration, settlement and belonging, "
        "ending in local exhibitions.",
        "who_it_is_for": "Local community groups who can record residents' stories in their "
        "neighbourhood, and young people who would like to train as community journalists.",
        "measures": (
            (
                "Community organisations funded (2021) to promote narratives about their localities",
                10,
                "organisations",
                "Count your own group and partner groups sharing the stories.",
            ),
            (
                "Community organisations better connected, with an understanding of new communities",
                10,
                "organisations",
                "Groups that got to know newer communities through the work.",
            ),
            (
                "Narratives from residents on migration, settlement, identity and belonging",
                100,
                "narratives",
                "Each recorded story from one resident counts as one narrative.",
            ),
            (
                "Local young people trained as community journalists",
                10,
                "young people",
                "Young people who finished the community journalist training.",
            ),
            (
                "Community-journalist training carried out from 2021 to spring 2022",
                None,
                "date range",
                "Tell us when your training started and finished.",
            ),
            (
                "Bridge generational and ethnic divides; untold and unheard stories",
                None,
                "qualitative",
                "How the stories brought people of different ages and backgrounds together.",
            ),
            (
                "Story collection showcased at Library of Birmingham/museum during CWG 2022; local exhibitions",
                None,
                "exhibitions (qualitative)",
                "Where and when the stories were shown.",
            ),
        ),
    },
    {
        "name": "A City Connected by Inclusive Heritage Trails",
        "short_name": "HT",
        "budget": Decimal("100000"),
        "description": "Local people design heritage trails that tell Birmingham's story through "
        "the communities who settled here, with volunteer hosts who show visitors round.",
        "who_it_is_for": "Groups who can bring local people together to choose places of "
        "interest, research their history, and train volunteers as trail hosts.",
        "measures": (
            ("Heritage trails covering the city", 20, "miles", "The length of your group's trail."),
            (
                "Localities with sites of interest on the trails",
                10,
                "localities",
                "The localities your trail passes through.",
            ),
            (
                "Trained volunteers as knowledgeable hosts covering the 10 localities",
                50,
                "trained volunteers",
                "Volunteers who finished host training and can lead a walk.",
            ),
            (
                "Promotional materials + plan for long-term sustainability of trails",
                None,
                "plan / materials (qualitative)",
                "Your leaflets or map, and who will keep the trail going.",
            ),
            ("All trails launched by December 2023", None, "date", "The date your trail was launched."),
        ),
    },
    {
        "name": "Birmingham Peace Garden",
        "short_name": "Peace Garden",
        "budget": Decimal("50000"),
        "description": "A redesigned peace garden in the city centre where all communities, "
        "including people who fled conflict and ex-service personnel, can remember, reflect and "
        "celebrate together.",
        "who_it_is_for": "Partners who will run commemoration and celebration events or "
        "educational activities in the garden.",
        "measures": (
            (
                "Peace garden attached to the remains of St Thomas' Church, city centre",
                1,
                "garden",
                "The council's site work: partners do not usually report this.",
            ),
            (
                "Usage of the garden for reflection",
                500,
                "residents or visitors",
                "An estimate is fine: say how you counted.",
            ),
            ("Commemoration and celebration events", 10, "events", "Events you held in the garden."),
            ("Educational activities", 10, "activities", "Sessions for schools or groups held there."),
        ),
    },
    {
        "name": "Inspiring Future Leaders",
        "short_name": "IFL",
        "budget": Decimal("70000"),
        "description": "Building the confidence of young people who want to become teachers and "
        "leaders, by connecting them with role models from Black, Asian and minority ethnic "
        "backgrounds and running practical workshops.",
        "who_it_is_for": "Groups working with vulnerable and excluded young people from under-represented groups.",
        "measures": (
            (
                "Young people completing leadership training programmes",
                15,
                "young people",
                "Young people who finished the whole training programme.",
            ),
            (
                "Young people meeting positive role models from Black Asian minority ethnic backgrounds",
                50,
                "young people",
                "Count each young person once.",
            ),
            (
                "One-to-one career progression coaching and mentoring (BAME young people aspiring to "
                "be teachers/leaders)",
                10,
                "young people",
                "Young people with regular one-to-one support.",
            ),
            (
                '"Interview Success" workshop participants',
                30,
                "young people",
                "Young people who came to at least one workshop.",
            ),
        ),
    },
    {
        "name": "Get Communities Talking",
        "short_name": "GCT",
        "budget": Decimal("145000"),
        "description": "Helping people make new friends beyond their usual circles, with a focus "
        "on migrant, refugee and asylum-seeking women: removing barriers to taking part, sharing "
        "their stories, and practising English in a safe setting with other women.",
        "who_it_is_for": "Grassroots groups working with, or planning to work with, migrant, "
        "refugee and asylum-seeking women, including women who are digitally excluded.",
        "measures": (
            (
                "Women involved in activities (esp. migrant, refugee, asylum-seeking women struggling to integrate)",
                250,
                "women",
                "Count each woman once.",
            ),
            (
                'Women from "hard to reach groups" or digitally excluded whose barriers to participation are addressed',
                100,
                "women",
                "Women you helped to take part, for example with childcare, travel or getting online.",
            ),
            (
                "Women whose life experiences, stories and contributions are creatively documented and showcased",
                50,
                "women",
                "Only share a woman's story with her agreement.",
            ),
            (
                "Women given a platform to strengthen English-speaking skills in a safe setting",
                250,
                "women",
                "Women who joined conversation groups or other English practice.",
            ),
        ),
    },
)

# The seeds name "10 localities" but not which (DOMAIN.md §5): these are Birmingham's ten
# constituency areas, with wards the seeds name. Codes are left empty: officers set the real ONS
# ward codes.
LOCALITIES = (
    ("Edgbaston", ("Edgbaston", "Harborne")),
    ("Erdington", ("Castle Vale", "Stockland Green", "Tyburn")),
    ("Hall Green", ("Hall Green", "Moseley", "Sparkbrook and Balsall Heath")),
    ("Hodge Hill", ("Bordesley Green", "Hodge Hill", "Ward End", "Washwood Heath")),
    ("Ladywood", ("Ladywood", "Nechells")),
    ("Northfield", ("Frankley", "Longbridge")),
    ("Perry Barr", ("Kingstanding", "Oscott")),
    ("Selly Oak", ("Kings Heath", "Selly Oak", "Stirchley")),
    ("Sutton Coldfield", ("Sutton Four Oaks", "Sutton Vesey")),
    ("Yardley", ("Shard End",)),
)

# Added to every criterion's guidance for panel members.
PANEL_REMINDER = (
    " Judge what the group says, not how polished its English is, and expect what a small, "
    "mostly volunteer group can show."
)

# (title, question, word limit, weight, guidance, descriptors for scores 0 to 4). The three tests
# the council's EOI process named (DOMAIN.md §2.5 C1-C3) weigh double.
CRITERIA = (
    (
        "Understanding of the issues facing the people you want to help",
        "What do you know about the lives of the people you want to help, and the problems they face? How do you know?",
        250,
        2,
        "Look for first-hand knowledge: listening to people, lived experience in the group, "
        "examples from their own work.",
        (
            "Says nothing about the people or their problems.",
            "Describes the people in general terms only, with no examples.",
            "Names some real problems the people face, with one or two examples.",
            "Clear, specific understanding drawn from contact with the people themselves.",
            "Deep understanding from lived experience or long contact; people's own voices shape the idea.",
        ),
    ),
    (
        "Experience of organising activities",
        "What activities has your group organised before? Tell us about one that went well and what you learned.",
        200,
        2,
        "A new group with a few well-run sessions can score well. Past big projects are not needed.",
        (
            "No activities described.",
            "Mentions activities but gives no detail of what happened.",
            "Has run some activities and says briefly how they went.",
            "Has run regular activities well and learned from them.",
            "A steady record of activities like this one, with lessons applied to the new idea.",
        ),
    ),
    (
        "Working in partnership",
        "Which other groups, services or places will you work with, and what will each of you do?",
        200,
        2,
        "Informal partnerships count, such as a mosque lending a room or a library sharing posters. "
        "Ask whether the partners have real roles.",
        (
            "No partners mentioned.",
            "Partners named, but with no part in the work.",
            "One or two partners with a clear part to play.",
            "Several partners with agreed roles, some already working with the group.",
            "Strong, tested partnerships that bring in people or skills the group does not have.",
        ),
    ),
    (
        "Reaching people who are often left out",
        "Which people who are often left out will take part? How will you reach them and make them feel welcome?",
        200,
        1,
        "Look for going out to people (word of mouth, trusted places, community languages), not "
        "only posters and social media.",
        (
            "Does not say who will take part or how they will be reached.",
            "Relies on general advertising that left-out people may not see.",
            "Names left-out groups and a reasonable way to reach them.",
            "Already trusted by left-out people, with specific ways to reach more.",
            "Led by or deeply rooted in the communities concerned, reaching people others do not.",
        ),
    ),
    (
        "Removing barriers to taking part, including digital exclusion",
        "What might stop people taking part (for example cost, childcare, travel, language, "
        "disability, not being online)? What will you do about it?",
        200,
        1,
        "Practical answers count most: free sessions, interpreters, step-free rooms, ways to join "
        "without a smartphone.",
        (
            "No barriers considered.",
            "Mentions barriers but offers no way round them.",
            "Deals with the main barriers in a practical way.",
            "Thought-through support for several barriers, including for people not online.",
            "Barriers found with participants themselves, and removed in ways that clearly work.",
        ),
    ),
    (
        "Bringing people together across divides",
        "How will your activity bring together people of different backgrounds, ages, cultures or "
        "languages, including newcomers and settled residents?",
        200,
        1,
        "Look for people meeting and doing things together, not just being in the same room.",
        (
            "No mixing of different groups of people described.",
            "People from different backgrounds may come, but there is no plan for them to mix.",
            "Some planned chances for different people to meet and talk.",
            "Activities designed so that different people get to know each other.",
            "Lasting friendships and connections across divides are at the heart of the plan.",
        ),
    ),
    (
        'Is it "do-able", and is it good value?',
        "What will you do, when, and what will the money pay for? How will you know it has worked?",
        250,
        1,
        "A simple plan is fine. Check that the activities, timescale and costs match, and that the "
        "amount is reasonable for what will happen.",
        (
            "No plan or costs given.",
            "A vague plan, or costs that do not match the activities.",
            "A workable plan and budget, with some gaps.",
            "A clear plan, timescale and budget that fit together, with ways to check progress.",
            "A realistic, well-costed plan that clearly delivers the work stream's outputs.",
        ),
    ),
)

# Fictional groups modelled on the kinds of organisation in DOMAIN.md §4 (not the real ones).
# Registration numbers are made up but well formed; streets and postcodes are invented.

ACCOUNTS = (
    ("applicant", "applicant@demo.example", "Farida Demo", Role.APPLICANT, "sewing circle on tuesday"),
    ("panel member", "panel@demo.example", "Joseph Demo", Role.PANEL_MEMBER, "copper kettle by the canal"),
    ("officer", "officer@demo.example", "Priya Demo", Role.OFFICER, "quiet heron at morning"),
    ("admin", "admin@demo.example", "Tomasz Demo", Role.ADMIN, "brass compass in winter"),
)
APPLICANT_ORGANISATION = "Sparkbrook Sisters Community Centre"


def seed(now: datetime | None = None) -> list[tuple[str, str, str]]:
    """Add the demo data to the session (the caller commits) and return the demo accounts as
    ``(role label, email, password)``."""
    if current_app.config.get("ENV") == "production":
        raise RuntimeError("Demo data has public passwords and must not be loaded in production.")
    now = now or utcnow()

    round_ = Round(
        fund=Fund(**FUND, created_at=now),
        status=RoundStatus.OPEN,
        opens_at=now - timedelta(days=14),
        closes_at=_noon_in_london(now + timedelta(weeks=6)),
        allowed_legal_forms=[form.value for form in LegalForm],
        created_at=now,
        **ROUND,
    )
    for position, stream in enumerate(WORK_STREAMS):
        fields = {key: value for key, value in stream.items() if key != "measures"}
        measures = [
            OutputMeasure(
                name=name,
                target=target,
                unit=unit,
                help_text=help_text,
                position=i,
                kind=MeasureKind.NUMERIC if target is not None else MeasureKind.QUALITATIVE,
            )
            for i, (name, target, unit, help_text) in enumerate(stream["measures"])
        ]
        round_.work_streams.append(WorkStream(**fields, position=position, measures=measures))
    for position, (title, question, word_limit, weight, guidance, descriptors) in enumerate(CRITERIA):
        round_.criteria.append(
            Criterion(
                title=title,
                question=question,
                word_limit=word_limit,
                weight=Decimal(weight),
                guidance=guidance + PANEL_REMINDER,
                position=position,
                **{f"descriptor_{score}": text for score, text in enumerate(descriptors)},
            )
        )
    db.session.add(round_)

    localities: dict[str, Locality] = {}
    wards: dict[str, Ward] = {}
    for position, (name, ward_names) in enumerate(LOCALITIES):
        localities[name] = Locality(name=name, code=None, position=position, is_demo=True)
        for ward_name in ward_names:
            wards[ward_name] = Ward(name=ward_name, code=None)
            localities[name].wards.append(wards[ward_name])
        db.session.add(localities[name])

    organisations: dict[str, Organisation] = {}
    for org in ORGANISATIONS:
        fields = {key: value for key, value in org.items() if key not in ("localities", "wards")}
        organisations[org["name"]] = Organisation(
            **fields,
            localities=[localities[name] for name in org["localities"]],
            wards=[wards[name] for name in org["wards"]],
            town="Birmingham",
            is_demo=True,
            created_at=now,
        )
        db.session.add(organisations[org["name"]])

    demo_accounts = []
    users: dict[Role, object] = {}
    for label, email, full_name, role, password in ACCOUNTS:
        user = accounts.create_user(email, full_name, roles={role}, password=password, by=None, now=now)
        users[role] = user
        if role == Role.APPLICANT:
            organisation = organisations[APPLICANT_ORGANISATION]
            db.session.add(OrganisationMember(organisation=organisation, user=user, role=MembershipRole.OWNER))
        demo_accounts.append((label, email, password))
    db.session.flush()
    seed_panel_round(
        round_,
        organisations=organisations,
        localities=localities,
        officer=users[Role.OFFICER],
        panel_user=users[Role.PANEL_MEMBER],
        now=now,
    )
    db.session.flush()
    return demo_accounts


def _noon_in_london(moment: datetime) -> datetime:
    """12:00 Europe/London on the day of ``moment`` (in London), as an aware UTC datetime."""
    day = moment.astimezone(LONDON).date()
    return datetime.combine(day, time(12), tzinfo=LONDON).astimezone(UTC)
