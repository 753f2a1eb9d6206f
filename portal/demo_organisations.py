"""The demo's fictional community groups (names, addresses and numbers are invented), modelled on
the case studies in the council's documents. Loaded by portal/demo.py."""

from __future__ import annotations

from portal.domain.organisations import IncomeBand, LegalForm

ORGANISATIONS = (
    {
        "name": "Sparkbrook Sisters Community Centre",
        "legal_form": LegalForm.CHARITY,
        "charity_number": "1190456",
        "income_band": IncomeBand.FROM_50K_TO_100K,
        "address_line_1": "14 Larkspur Row",
        "postcode": "B11 4QJ",
        "localities": ("Hall Green",),
        "wards": ("Sparkbrook and Balsall Heath",),
        "description": "A safe, women-only space open five days a week: coffee mornings, sewing "
        "and English conversation groups, and help for women facing domestic abuse.",
    },
    {
        "name": "Balsall Heath Canalside Trust",
        "legal_form": LegalForm.CHARITY,
        "charity_number": "1104872",
        "company_number": "05123987",
        "income_band": IncomeBand.FROM_100K_TO_250K,
        "address_line_1": "The Old Wharf, 3 Tillers Lane",
        "postcode": "B12 9TW",
        "localities": ("Hall Green",),
        "wards": ("Sparkbrook and Balsall Heath", "Moseley"),
        "description": "A neighbourhood trust running a community garden, family reading "
        "sessions and over-50s coffee mornings, keen to record local people's stories of "
        "settling in Balsall Heath.",
    },
    {
        "name": "Vale Green Spaces CIC",
        "legal_form": LegalForm.CIC_OR_COMPANY,
        "company_number": "10987654",
        "income_band": IncomeBand.FROM_100K_TO_250K,
        "address_line_1": "Unit 2, Heronfield Way",
        "postcode": "B35 7RP",
        "localities": ("Erdington",),
        "wards": ("Castle Vale", "Tyburn"),
        "description": "An environmental community interest company running forest school "
        "sessions, conservation volunteering and a community garden, and planning a walking "
        "trail of the estate's history.",
    },
    {
        "name": "Nechells Learning Together",
        "legal_form": LegalForm.CHARITY,
        "charity_number": "1178234",
        "income_band": IncomeBand.FROM_10K_TO_50K,
        "address_line_1": "27 Brambling Street",
        "postcode": "B7 5HN",
        "localities": ("Ladywood",),
        "wards": ("Nechells", "Ladywood"),
        "description": "A small family-learning charity: parent and child language courses, a "
        "summer reading challenge and cook-and-taste sessions for families new to the area.",
    },
    {
        "name": "Hodge Hill Creative Neighbours",
        "legal_form": LegalForm.COMMUNITY_GROUP,
        "income_band": IncomeBand.FROM_10K_TO_50K,
        "address_line_1": "Cobblers Lane Community Hall",
        "postcode": "B36 8LE",
        "localities": ("Hodge Hill",),
        "wards": ("Hodge Hill", "Washwood Heath"),
        "description": "A constituted arts forum of local residents running art-for-wellbeing "
        "sessions in three venues, with a yearly exhibition of local work.",
    },
    {
        "name": "Bromford Generations Together",
        "legal_form": LegalForm.UNCONSTITUTED,
        "accountable_body_name": "Hodge Hill Creative Neighbours",
        "income_band": IncomeBand.UNDER_10K,
        "address_line_1": "Maple Walk Tenants' Room",
        "postcode": "B36 9FA",
        "localities": ("Hodge Hill",),
        "wards": ("Hodge Hill",),
        "description": "Neighbours of all ages in Firs and Bromford who knock on doors, run "
        "street get-togethers and pair older and younger residents to share skills.",
    },
    {
        "name": "Drina Valley Community Association",
        "legal_form": LegalForm.COMMUNITY_GROUP,
        "income_band": IncomeBand.FROM_10K_TO_50K,
        "address_line_1": "41 Willowherb Road",
        "postcode": "B10 0QS",
        "localities": ("Hodge Hill", "Ladywood"),
        "wards": ("Bordesley Green", "Nechells"),
        "description": "Started by Bosnian families who came to the city as refugees, now "
        "helping newly resettled refugee families with English, forms and friendship, with two "
        "community workers from those families.",
    },
    {
        "name": "Ward End Women's Workshop",
        "legal_form": LegalForm.SOCIAL_ENTERPRISE,
        "income_band": IncomeBand.FROM_50K_TO_100K,
        "address_line_1": "8 Thistledown Parade",
        "postcode": "B8 2XE",
        "localities": ("Hodge Hill",),
        "wards": ("Ward End", "Washwood Heath"),
        "description": "A women's centre whose café and sewing workshop pay for free classes, a "
        "youth club for girls and a drop-in for women new to the area.",
    },
    {
        "name": "Frankley Neighbours Forum",
        "legal_form": LegalForm.COMMUNITY_GROUP,
        "income_band": IncomeBand.UNDER_10K,
        "address_line_1": "Hawthorn Green Library",
        "postcode": "B45 0DU",
        "localities": ("Northfield",),
        "wards": ("Frankley", "Longbridge"),
        "description": "Residents who organise street champions, a summer carnival and litter "
        "picks, and want to map their estate's history for a heritage trail.",
    },
    {
        "name": "Spectrum Voices Collective",
        "legal_form": LegalForm.UNCONSTITUTED,
        "accountable_body_name": "Balsall Heath Canalside Trust",
        "income_band": IncomeBand.UNDER_10K,
        "address_line_1": "3 Tillers Lane",
        "postcode": "B12 9TW",
        "localities": ("Hall Green", "Ladywood"),
        "wards": ("Sparkbrook and Balsall Heath",),
        "description": "A peer network of young LGBTQI people of colour who make zines, run "
        "creative workshops and mentor younger members into leadership roles.",
    },
    {
        "name": "Stirchley Welcome Table",
        "legal_form": LegalForm.FAITH,
        "income_band": IncomeBand.UNDER_10K,
        "address_line_1": "Hazelwood Chapel, 60 Pippin Street",
        "postcode": "B30 2NL",
        "localities": ("Selly Oak",),
        "wards": ("Stirchley", "Kings Heath"),
        "description": "A weekly drop-in run by a local chapel with volunteers of all faiths and "
        "none: free lunch, signposting, and a warm welcome for refugees and anyone lonely.",
    },
)

# One account per role: (label shown by `flask seed-demo`, email, name, role, passphrase).
# The passphrases are public (the README lists them): demo machines only.
