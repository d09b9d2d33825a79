"""Every number the synthetic data generator draws from, and where it comes from.

Published figures (from ``shared/reference/STANDARDS.md``, which cites the CTDC files):

- **Sex.** CTDC Victim-Perpetrator Synthetic Dataset (21,195 rows; STANDARDS.md §3.4):
  Female 9,589, Male 7,995, missing 3,611 → 54.5 % female among known. ``FEMALE_SHARE``
  conditions the share on the form of exploitation (see below) so that the overall share
  lands near this figure for the VP mix of forms.
- **Age.** Same dataset: Adult 16,379, Minor 1,212 → minors 6.9 % of known (``MINOR_SHARE``).
- **Form of exploitation.** Same dataset: isForcedLabour 12,248, isSexualExploit 2,775 →
  81.5 % labour / 18.5 % sexual among cases with either (``GLOBAL_LABOUR_SHARE``).
- **Year of registration.** Same dataset: 2005-2013 2,531; 2014-2018 6,274; 2019 2,398;
  2020 2,002; 2021-2022 4,335 (``YEAR_BANDS``; years drawn uniformly inside a band).
- **Age bands** follow CTDC ``ageBroad`` (0--8, 9--17, 18--20 … 48+; codebook v2024, §3.2);
  the weights inside the adult bands are an assumption (no published shares in STANDARDS.md).
- **Time in trafficking** follows CTDC ``traffickMonths`` (0--12, 13--24, 25+ months); the
  weights are an assumption.

Assumptions (STANDARDS.md gives no figure; each is labelled ASSUMPTION where it is defined):
citizenship weights and the name cultures of each country; where people are exploited;
the tilt of the form of exploitation by region of exploitation (CTDC publishes it by
region, but the figures are not in the stored sources); other forms (forced marriage,
begging…); means of control, recruitment and recruiter relationship; labour sectors; the
trafficking status; reporting organisations; how many persons are reported more than once
and every corruption rate.
"""

from __future__ import annotations

# --- Published (CTDC Victim-Perpetrator Synthetic Dataset, STANDARDS.md §3.4) -----------------
VP_FEMALE, VP_MALE = 9589, 7995
VP_ADULT, VP_MINOR = 16379, 1212
VP_LABOUR, VP_SEXUAL = 12248, 2775
MINOR_SHARE = VP_MINOR / (VP_ADULT + VP_MINOR)  # 0.069
GLOBAL_LABOUR_SHARE = VP_LABOUR / (VP_LABOUR + VP_SEXUAL)  # 0.815
YEAR_BANDS: list[tuple[int, int, int]] = [  # (first year, last year, records)
    (2005, 2013, 2531),
    (2014, 2018, 6274),
    (2019, 2019, 2398),
    (2020, 2020, 2002),
    (2021, 2022, 4335),
]

# --- CTDC ageBroad bands (codebook v2024); weights: ASSUMPTION ------------------------------------
MINOR_BANDS: list[tuple[int, int, float]] = [(0, 8, 0.15), (9, 17, 0.85)]
ADULT_BANDS: list[tuple[int, int, float]] = [
    (18, 20, 0.12),
    (21, 23, 0.14),
    (24, 26, 0.14),
    (27, 29, 0.13),
    (30, 38, 0.27),
    (39, 47, 0.14),
    (48, 65, 0.06),
]
# Minor share by form, ASSUMPTION, chosen so the overall share stays near the published 6.9 %.
MINOR_SHARE_BY_FORM = {"sexual": 0.10, "labour": 0.04, "other": 0.18}
# CTDC traffickMonths bands, weights ASSUMPTION: (min months, max months, weight).
DURATION_MONTHS: list[tuple[int, int, float]] = [(0, 12, 0.60), (13, 24, 0.22), (25, 72, 0.18)]

# --- Sex: ASSUMPTION conditioned on form; 0.92 × 18.5 % + 0.46 × 81.5 % ≈ 54.5 % (published) ---
FEMALE_SHARE = {"sexual": 0.92, "labour": 0.46, "other": 0.70}
TRANS_OR_NONCONFORMING_SHARE = 0.003  # ASSUMPTION
GENDER_UNKNOWN_SHARE = 0.01  # ASSUMPTION

# --- Citizenship (ISO alpha-2) and name culture: ASSUMPTION ---------------------------------------
# The origin countries of the regions Pharos serves: South-East Europe, Moldova / Ukraine /
# Russia, West Africa, Brazil, Central Asia, the Middle East and North Africa.
CITIZENSHIP: dict[str, float] = {
    "NG": 0.10, "RO": 0.07, "UA": 0.08, "MD": 0.06, "AL": 0.06, "BG": 0.05, "BR": 0.07, "UZ": 0.07,
    "RU": 0.04, "KG": 0.04, "TJ": 0.03, "KZ": 0.02, "MK": 0.03, "RS": 0.03, "XK": 0.02, "GH": 0.04,
    "SN": 0.03, "SY": 0.04, "IQ": 0.03, "EG": 0.04, "MA": 0.05,
}  # fmt: skip
# Which name list a citizen's names come from (ethnic Albanians in North Macedonia, Russian
# speakers in Moldova, Ukraine and Kazakhstan).
CULTURES: dict[str, dict[str, float]] = {
    "RU": {"ru": 1.0}, "UA": {"uk": 0.8, "ru": 0.2}, "MD": {"ro": 0.7, "ru": 0.3}, "BG": {"bg": 1.0},
    "MK": {"mk": 0.75, "sq": 0.25}, "RS": {"sr": 1.0}, "AL": {"sq": 1.0}, "XK": {"sq": 1.0},
    "RO": {"ro": 1.0}, "NG": {"ng": 1.0}, "GH": {"gh": 1.0}, "SN": {"sn": 1.0}, "BR": {"br": 1.0},
    "UZ": {"uz": 1.0}, "KG": {"kg": 0.85, "uz": 0.15}, "TJ": {"tj": 1.0}, "KZ": {"kz": 0.7, "ru": 0.3},
    "SY": {"ar": 1.0}, "IQ": {"ar": 1.0}, "EG": {"ar": 1.0}, "MA": {"ar": 1.0},
}  # fmt: skip
# Second citizenship, ASSUMPTION: many Moldovans also hold Romanian citizenship.
SECOND_CITIZENSHIP: dict[str, tuple[str, float]] = {
    "MD": ("RO", 0.10),
    "MK": ("BG", 0.03),
    "UA": ("RU", 0.01),
}
# Share of persons whose birth date is recorded as 1 January because only the year is known
# (common where births go unregistered), ASSUMPTION by name culture.
JAN1_SHARE: dict[str, float] = {"ng": 0.15, "gh": 0.15, "sn": 0.10, "ar": 0.12, "tj": 0.05, "uz": 0.03}

REGION_OF: dict[str, str] = {
    **dict.fromkeys(["AL", "XK", "MK", "RS", "BG", "RO", "MD"], "see"),
    **dict.fromkeys(["UA", "RU"], "east"),
    **dict.fromkeys(["NG", "GH", "SN"], "west_africa"),
    "BR": "brazil",
    **dict.fromkeys(["UZ", "KG", "TJ", "KZ"], "central_asia"),
    **dict.fromkeys(["SY", "IQ", "EG", "MA"], "mena"),
}
# Country of exploitation by region of citizenship, ASSUMPTION. "HOME" is the citizen's own
# country (internal trafficking).
DESTINATIONS: dict[str, dict[str, float]] = {
    "see": {"HOME": 0.35, "DE": 0.12, "IT": 0.10, "GR": 0.07, "FR": 0.04, "ES": 0.04, "NL": 0.04,
            "AT": 0.04, "BE": 0.02, "TR": 0.08, "RU": 0.03, "MK": 0.02, "AL": 0.02, "RS": 0.03},
    "east": {"HOME": 0.35, "PL": 0.12, "DE": 0.10, "TR": 0.10, "RU": 0.08, "AE": 0.05, "IT": 0.05,
             "KZ": 0.05, "GR": 0.05, "ES": 0.05},
    "west_africa": {"HOME": 0.40, "IT": 0.12, "ES": 0.06, "FR": 0.06, "LY": 0.08, "SA": 0.04,
                    "AE": 0.04, "GH": 0.05, "NG": 0.03, "ML": 0.06, "DE": 0.03, "LB": 0.03},
    "brazil": {"HOME": 0.80, "ES": 0.06, "PT": 0.07, "IT": 0.04, "FR": 0.03},
    "central_asia": {"HOME": 0.15, "RU": 0.45, "KZ": 0.17, "TR": 0.12, "AE": 0.08, "DE": 0.03},
    "mena": {"HOME": 0.25, "TR": 0.15, "LB": 0.10, "SA": 0.10, "AE": 0.10, "DE": 0.10, "IT": 0.05,
             "LY": 0.10, "JO": 0.05},
}  # fmt: skip
# Region of the country of exploitation, for the form-of-exploitation tilt below.
EXPLOITATION_REGION: dict[str, str] = {
    **dict.fromkeys(["DE", "IT", "FR", "ES", "PT", "GR", "NL", "BE", "AT", "PL", "RO", "BG"], "eu"),
    **dict.fromkeys(["AL", "XK", "MK", "RS", "MD"], "see"),
    **dict.fromkeys(["RU", "UA", "KZ", "UZ", "KG", "TJ", "TR"], "east"),
    **dict.fromkeys(["AE", "SA", "LB", "JO", "LY", "SY", "IQ", "EG", "MA"], "mena"),
    **dict.fromkeys(["NG", "GH", "SN", "ML"], "west_africa"),
    "BR": "brazil",
}
# Share of sexual exploitation among labour + sexual cases, by region of exploitation.
# ASSUMPTION: tilted around the published global 18.5 % (more sexual exploitation in the EU
# and South-East Europe, more labour in the Gulf, Russia and Brazil).
SEXUAL_SHARE_BY_REGION: dict[str, float] = {
    "eu": 0.32, "see": 0.32, "east": 0.07, "mena": 0.05, "west_africa": 0.15, "brazil": 0.07,
}  # fmt: skip
OTHER_FORM_SHARE = 0.06  # ASSUMPTION: persons whose main form is neither labour nor sexual
SEX_AND_LABOUR_SHARE = 0.03  # ASSUMPTION: both (CTDC 2017 had isSexAndLabour)
# HTCDS vic_TypeOfExploitation codes for the "other" forms, ASSUMPTION.
OTHER_FORMS: dict[str, float] = {
    "ForcedBegging": 0.30, "ForcedMarriage": 0.25, "Servitude": 0.15, "Other": 0.12,
    "ForcedAdoption": 0.04, "OrganRemoval": 0.04, "Surrogacy": 0.04, "ForcedMilitaryByNonStateActors": 0.06,
}  # fmt: skip
CHILD_LABOUR_SHARE_OF_MINORS_IN_LABOUR = 0.5  # ASSUMPTION: minors in labour cases also coded ChildLabour

# --- Case details: ASSUMPTION --------------------------------------------------------------------
# HTCDS vic_ForcedLabourIndustry (ISIC section letter).
LABOUR_SECTOR: dict[str, float] = {
    "A": 0.22, "F": 0.20, "T": 0.18, "I": 0.10, "C": 0.12, "B": 0.04, "H": 0.04, "G": 0.04, "S": 0.04, "N": 0.02,
}  # fmt: skip
SEX_TYPE: dict[str, float] = {
    "Prostitution": 0.85, "Pornography": 0.06, "RemoteInteractiveServices": 0.05, "PrivateSexualServices": 0.04,
}  # fmt: skip
# HTCDS vic_MethodsOfControl: independent probability of each, (labour or other, sexual).
MEANS_OF_CONTROL: dict[str, tuple[float, float]] = {
    "PhysicalThreats": (0.30, 0.35), "ThreatsLawEnforcement": (0.12, 0.12),
    "ThreatensChildrenFamily": (0.12, 0.15), "DebtBondage": (0.25, 0.30), "FalsePromises": (0.35, 0.35),
    "PhysicalAbuse": (0.25, 0.35), "SexualAbuse": (0.05, 0.35), "TakesEarnings": (0.30, 0.35),
    "RestrictsFinancialAccess": (0.15, 0.15), "RestrictsMedicalCare": (0.08, 0.08),
    "WithholdsNecessities": (0.15, 0.10), "PsychologicalAbuse": (0.35, 0.45),
    "PsychoactiveSubstance": (0.04, 0.15), "ExcessiveWorkingHours": (0.25, 0.10),
    "WithholdsDocuments": (0.30, 0.25), "Other": (0.03, 0.03),
}  # fmt: skip
METHOD_OF_RECRUITMENT: dict[str, float] = {
    "ThroughFriendsOrSocialEvents": 0.30, "ThroughFamilyOrFamilyEvents": 0.15,
    "ThroughOnlineSocialNetworks": 0.15, "ThroughAnOnlineAdvertisement": 0.10,
    "ThroughANewspaperAdvert": 0.04, "ThroughATelevisionAdvert": 0.01, "AtWork": 0.08,
    "AtAPlaceOfBusiness": 0.06, "AtAnEducationalInstitution": 0.03, "Other": 0.08,
}  # fmt: skip
SECOND_RECRUITMENT_METHOD_SHARE = 0.10
# pharos.recruiter_relationship codes, (labour or other, sexual).
RECRUITER_RELATIONSHIP: dict[str, tuple[float, float]] = {
    "IntimatePartner": (0.04, 0.20), "FamilyMember": (0.10, 0.12), "Friend": (0.20, 0.20),
    "Acquaintance": (0.15, 0.15), "Employer": (0.16, 0.05), "RecruitmentAgentOrBroker": (0.20, 0.13),
    "Stranger": (0.08, 0.08), "Other": (0.03, 0.03), "Unknown": (0.04, 0.04),
}  # fmt: skip
# HTCDS vic_TraffickingStatus of the person; a report may say "possible" where another says "actual".
TRAFFICKING_STATUS: dict[str, float] = {
    "ActualVictimOfTrafficking": 0.55, "PossibleVictimOfTrafficking": 0.40, "NotAVictimOfTrafficking": 0.05,
}  # fmt: skip
STATUS_LAG_SHARE = 0.20  # an organisation that saw the person early still reports "possible"

# --- Reporting organisations: ASSUMPTION ----------------------------------------------------------
# (name pattern, HTCDS org_Type, HTCDS vic_TraffickingStatusDecisionMakingOrg, weight as first reporter)
ORGANISATION_KINDS: list[tuple[str, str, str, float]] = [
    ("Police Anti-Trafficking Unit {city}", "LawEnforcement", "Police", 0.28),
    ("{ngo} {city}", "NGO", "NGO", 0.30),
    ("Border and Migration Police {city}", "ImmigrationService", "Police", 0.12),
    (
        "Labour Inspectorate {city}",
        "CentralGovernmentOrganisation",
        "NonPoliceGovernmentalOrganization",
        0.10,
    ),
    ("Social Services {city}", "LocalGovernmentOrganisation", "NonPoliceGovernmentalOrganization", 0.10),
    ("Public Prosecutor's Office {city}", "LegalService", "CourtOrProsecution", 0.05),
    ("General Hospital {city}", "HealthServiceOrganisation", "Other", 0.05),
]
NGO_NAMES = ["Safe Harbour Shelter", "Open Door Association", "New Horizons Centre", "Lighthouse Hotline"]
# A repeat report comes from the person's country of citizenship (after return) with this
# probability when they were exploited abroad, else from another organisation where they were found.
REPORT_FROM_HOME_SHARE = 0.45

# --- Duplicates and corruption: ASSUMPTION (defaults of GeneratorConfig) --------------------------
DUPLICATE_PERSON_SHARE = 0.25  # persons reported by more than one organisation
THREE_REPORTS_SHARE = 0.30  # of those, reported three times (else twice)
TYPO_RATE = 0.10  # per name field of a repeat report
NAME_SWAP_RATE = 0.05  # first and second name swapped in a repeat report
DAY_MONTH_SWAP_RATE = 0.10  # of repeat reports whose birth date has day and month both <= 12
MISSING_RATES: dict[str, float] = {
    "prs_FirstName": 0.01, "prs_Birthdate": 0.08, "prs_Gender": 0.03, "prs_Citizenship": 0.05,
    "vic_MethodsOfControl": 0.15, "vic_MethodOfRecruitment": 0.15, "vic_RelationshipToTrafficker": 0.15,
    "vic_RecruiterRelationship": 0.15, "vic_ForcedLabourIndustry": 0.10, "vic_TypeOfSexExploitation": 0.10,
    "vic_AgeAtRecruitment": 0.15, "vic_AgeAtExploitation": 0.15, "vic_AgeAtIdentification": 0.05,
}  # fmt: skip
REPEAT_REPORT_NEXT_YEAR_SHARE = 0.30  # a repeat report registered the year after the first
EXPLOITED_A_YEAR_AFTER_RECRUITMENT_SHARE = 0.30

# --- How organisations write names of other scripts: ASSUMPTION ------------------------------------
NATIONAL_SCHEME_SHARE = 0.5  # spelling copied from a passport of the person's country, where it has one
LOCAL_SCHEMES: dict[str, tuple[str, float]] = {  # country: (scheme, share of its organisations)
    "DE": ("german", 0.6), "AT": ("german", 0.6), "FR": ("french", 0.6), "BE": ("french", 0.6),
    "SN": ("french", 0.6), "MA": ("french", 0.6), "MD": ("romanian", 0.8), "RO": ("romanian", 0.8),
}  # fmt: skip
GENERIC_SCHEMES: dict[str, float] = {"icao": 0.45, "bgn": 0.40, "scholarly": 0.15}
DIACRITICS_DROPPED_ABROAD_SHARE = 0.5  # "Ștefan" written "Stefan" outside the person's country
# Fields nobody ever learned, for the person (every report blank), ASSUMPTION.
UNKNOWN_TO_ALL: dict[str, float] = {"prs_Birthdate": 0.04, "vic_RecruiterRelationship": 0.10}
