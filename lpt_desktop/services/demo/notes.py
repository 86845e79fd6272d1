"""The words of the demo's case notes and the weighted tables its contact histories draw from."""

from __future__ import annotations

import bisect
import random
from typing import Any

# -- contact histories ---------------------------------------------------------------------------
# Short case notes composed from fragments (fictional; British English). {he}/{his}/{him}/{He}/{His}
# are filled in once at import for men and women, so the hot path only picks and joins strings.
OFFICE = "Preston office"
VIOLENT_OR_SEXUAL = ("Assault occasioning actual bodily harm", "Common assault", "Affray", "Robbery", "Harassment",
                     "Breach of a restraining order", "Wounding with intent (s.18)", "Sexual assault", "Arson")
VICTIM_SCHEME = ("Assault occasioning actual bodily harm", "Robbery", "Harassment", "Breach of a restraining order",
                 "Wounding with intent (s.18)", "Sexual assault", "Arson")
APPOINTMENT_TYPES = ("COAP", "COAP", "COAP", "COAP", "COPT", "CHVS", "COVC", "C084")
# Regular contacts between the planned ones (unpaid work, programmes, victim liaison, MAPPA, MARAC).
REGULAR_TYPES = (("COAP", 560), ("COPT", 120), ("CHVS", 80), ("COVC", 60), ("C084", 50), ("COOO", 40),
                 ("CODC", 20), ("CPOL", 25), ("CLET", 25), ("MO1", 20))
# Outcomes of a past appointment by how well the person complies (per mille).
OUTCOMES = {
    "good": (("ATTC", 930), ("AA", 40), ("RSSR", 8), ("RSOF", 10), ("AFTA", 5), ("UAAB", 4), ("AFTC", 2),
             ("ATSH", 1)),
    "mixed": (("ATTC", 850), ("AA", 60), ("RSSR", 12), ("RSOF", 20), ("AFTA", 25), ("UAAB", 20), ("AFTC", 8),
              ("ATSH", 5)),
    "poor": (("ATTC", 720), ("AA", 80), ("RSSR", 15), ("RSOF", 35), ("AFTA", 80), ("UAAB", 45), ("AFTC", 15),
             ("ATSH", 10)),
}
COMPLIANCE = (("good", 70), ("mixed", 22), ("poor", 8))
FAILURES = frozenset(("AFTA", "UAAB", "AFTC", "ATSH"))
REMOTE = frozenset(("COPT", "COVC", "CHVS", "COHV", "CODC"))  # cannot fail to comply or be sent home
NOT_APPOINTMENTS = frozenset(("CCMM", "C005", "CPOL", "CVIC", "MO1", "CCRT", "CLET"))
OFFICE_HOURS = frozenset(("COAP", "COAI", "C084", "COOO", "CPRG", "MO1", "CCMM", "C005"))
LOCATIONS = {
    "COAP": (OFFICE,), "COAI": (OFFICE,), "COPT": ("Telephone",), "COVC": ("Video call",),
    "CHVS": ("Home address",), "COHV": ("Home address",), "CODC": ("Home address",),
    "C084": (OFFICE, "Housing Options, Preston", "Inspire drug and alcohol service, Preston",
             "Jobcentre Plus, Preston"),
    "COOO": ("Jobcentre Plus, Preston", "Preston library", "Café near the home address", "GP surgery",
             "Magistrates' court reception"),
    "CPRG": ("Preston office, group room",), "CVIC": ("Telephone (victim liaison unit)",),
    "CCMM": ("Preston police station", "Video call (MAPPA panel)"), "C005": ("Video call (MARAC)",),
    "CPOL": ("Telephone",), "MO1": (OFFICE,), "CLET": ("Post",),
}
NEED_WEIGHTS = (("accommodation", 0.35), ("ete", 0.5), ("finance", 0.35), ("relationships", 0.3),
                ("lifestyle", 0.35), ("drugs", 0.3), ("alcohol", 0.3), ("emotional", 0.35),
                ("thinking_behaviour", 0.45), ("attitudes", 0.2))

_OPENERS = {
    "office": (
        "Attended on time and engaged well.", "Reported to the office as instructed.",
        "Attended ten minutes late; apologised and said the bus was delayed.",
        "Presented as calm and settled today.", "Appeared tired and a little flat in mood but engaged.",
        "Good engagement; open and honest about the past fortnight.",
        "Attended with {his} support worker's letter as asked.", "Arrived early and was keen to talk.",
        "Engaged reasonably well, although {he} gave short answers at first.",
    ),
    "COPT": ("Phone contact as agreed; {he} answered first time.", "Telephone check-in; a short call.",
             "Phoned at the agreed time; took two attempts to get through."),
    "COVC": ("Video call held as planned; the connection was good.",
             "Video contact from {his} phone; spoke in a quiet room on {his} own."),
    "home": ("Home visit completed. Property clean and tidy; no concerns about the home conditions.",
             "Home visit: flat sparsely furnished but adequate; food in the cupboards.",
             "Home visit. Room was untidy; discussed looking after the tenancy.",
             "Home visit completed; met {his} partner briefly, who was polite and welcoming."),
    "CODC": ("Doorstep visit: {he} answered the door and confirmed {he} is still living there.",
             "Doorstep visit; spoke briefly at the door as {he} was about to leave for work."),
    "C084": ("Three-way meeting held to agree who does what.", "Three-way meeting with the partner agency.",
             "Joint appointment to review progress with the other service."),
    "COOO": ("Met at the agreed location.", "Appointment held away from the office to fit around work."),
}
_NEEDS = {
    "accommodation": (
        "Still sofa-surfing at a friend's address; referred to Housing Options.",
        "Accommodation remains stable at the approved address.",
        "Has been offered a one-bedroom flat through the council; moving date to be confirmed.",
        "Rent arrears are building; agreed to speak to the landlord this week.",
        "Discussed the supported housing application; awaiting a response.",
        "Worried about being asked to leave {his} mother's house; explored options.",
    ),
    "ete": (
        "Started work at a local warehouse on a zero-hours contract.",
        "Attending a CSCS card course at the college on Tuesdays.",
        "Still unemployed; completed two job applications in the session.",
        "Referred to the ETE worker for help with a CV.",
        "Working full time as a labourer; appointments moved to late afternoon to fit.",
        "Has an interview for a kitchen porter job next week; practised answers.",
    ),
    "finance": (
        "Universal Credit payment delayed; food bank voucher provided.",
        "Budgeting discussed; has set up a payment plan for the court fines.",
        "Reports debts to a payday lender; referred to Citizens Advice.",
        "Money is tight but bills are paid; no new debts reported.",
    ),
    "relationships": (
        "Relationship with {his} partner reported as settled.",
        "Has re-established contact with {his} mother, which {he} described as a positive step.",
        "Contact with {his} children is supervised through the family centre.",
        "Reports arguments at home; discussed the safety plan and time-out.",
        "Split from {his} partner last week; talked through how {he} is coping.",
    ),
    "lifestyle": (
        "Says {he} is avoiding old associates from the estate.",
        "Spends most evenings at home; has joined a local boxing gym.",
        "Admitted meeting a known associate at the weekend; discussed the risks this brings.",
        "Has started volunteering at the community centre on Saturdays.",
    ),
    "drugs": (
        "Reports no illicit drug use since the last appointment.",
        "Disclosed cannabis use at the weekend; discussed the link to offending.",
        "Attending the drug service weekly; test results negative.",
        "Script from the drug service is stable; no on-top use reported.",
        "Lapsed on cocaine after a night out; relapse prevention plan reviewed.",
    ),
    "alcohol": (
        "Says alcohol use is down to weekends only.",
        "Smelt of alcohol at the start of the session; discussed the impact.",
        "Completed an AUDIT screening; score in the increasing-risk range.",
        "Attending the alcohol service group on Thursdays.",
        "Has been alcohol-free for three weeks and is proud of it.",
    ),
    "emotional": (
        "Low mood discussed; encouraged to see the GP about medication.",
        "Reports sleeping better since starting counselling.",
        "Anxiety about money and the future remains high; coping strategies discussed.",
        "Referred to the mental health practitioner in the office.",
    ),
    "thinking_behaviour": (
        "Completed a consequential thinking exercise on the index offence.",
        "Worked through a problem-solving worksheet on handling conflict.",
        "Session on triggers and early warning signs; identified boredom and money worries.",
        "Used the thinking skills toolkit on a recent argument at the shop.",
    ),
    "health": (
        "Talked about {his} hospital appointments; the next appointment moved so {he} can attend both.",
        "Registered with a GP at last; {he} has a check-up booked for next week.",
        "Asthma is worse in the damp flat; agreed to raise it with the landlord and the GP.",
    ),
    "attitudes": (
        "Continues to minimise responsibility for the offence; challenged this.",
        "Showed more victim awareness than at previous sessions.",
        "Expressed frustration with the order but accepted the need to comply.",
        "Spoke about the offence with more honesty than before.",
    ),
}
_RISKS = {
    "victim": ("No reported contact with the victim; reminded of the licence condition.",
               "Victim safety discussed; no indication of contact or approaches.",
               "Asked about the exclusion zone; {he} says {he} has kept out of it."),
    "children": ("Discussed the child protection plan; the next core group meeting is in two weeks.",
                 "Checked who is living at the address; no children present.",
                 "Social worker confirms contact with the children is going well."),
    "domestic": ("Police call-out information checked; no new incidents recorded.",
                 "Discussed the domestic abuse safety plan and warning signs.",
                 "Partner not present; no current concerns from the IDVA."),
    "other": ("No new information to suggest an increase in risk of harm.",
              "Risk of harm reviewed; remains as assessed.",
              "No police intelligence of concern since the last contact."),
}
_ACTIONS = (
    "Next appointment booked for the same time in two weeks.", "Agreed to bring proof of address next time.",
    "To contact the drug service before the next appointment.", "Officer to chase the housing referral.",
    "Agreed to complete two job applications before the next session.",
    "Reminded of the requirement to attend all appointments.", "Next appointment given in writing.",
    "Officer to update the sentence plan.", "Agreed to phone if anything changes at home.",
)
_INDUCTION = ("Induction completed. The order, its requirements and what happens on a failure to comply were "
              "explained; compliance letter signed.",
              "Induction appointment. Licence conditions read through and explained; {he} said {he} understood "
              "them and signed.")
_FAILURE = {
    "AFTA": ("Did not attend. No contact before or after; phoned twice and left voicemails.",
             "Failed to attend the appointment. No explanation received; letter sent asking {him} to make contact.",
             "Did not attend and did not answer the phone. Checked with the police: no arrest."),
    "UAAB": ("Phoned an hour before to say {he} could not attend because {he} was 'too tired'. Explanation not "
             "accepted as reasonable.",
             "Said {he} missed the appointment because {he} overslept. Not an acceptable reason.",
             "Claimed to be unwell but has provided no evidence after two requests. Absence treated as "
             "unacceptable."),
    "AFTC": ("Attended but refused to take part and left after ten minutes.",
             "Attended under the influence of alcohol and could not engage; asked to leave and rebooked.",
             "Attended but would not give an address for the past week as instructed."),
    "AFTA-home": ("Not at home for the planned visit; card left asking {him} to make contact.",
                  "No answer at the address at the agreed time; neighbour had not seen {him} today."),
    "AFTA-remote": ("Did not answer the planned call; two further attempts, no answer.",
                    "Missed the planned call and did not ring back as asked."),
    "ATSH": ("Sent home for abusive language towards staff after a warning.",
             "Sent home: aggressive towards another person in the waiting area.",
             "Sent home for repeatedly using a phone after being told to stop."),
}
_ABSENCE = {
    "AAME": ("Phoned in the morning: unwell with flu. Fit note requested.",
             "Hospital appointment clashed; appointment letter to be shown."),
    "AAEM": ("Could not attend because of a shift at work; rota provided.",
             "Called in for an extra shift at short notice; employer's letter requested."),
    "AAFC": ("Child taken ill and no other childcare available.",
             "School called {him} to collect {his} son; no one else could go."),
    "AACL": ("Attending court as a witness; letter seen.", "Solicitor's appointment about the family court case."),
    "AAHO": ("On a holiday agreed in advance.",),
    "AARE": ("Religious festival; agreed in advance.",),
    "AARC": ("Remanded in custody overnight on a new matter; released the next day.",),
    "CO05": ("Professional judgement: bereavement in the family this week.",
             "Professional judgement: attending a job interview arranged by the ETE worker."),
}
ABSENCE_REASONS = (("AAME", 40), ("AAEM", 20), ("AAFC", 15), ("AACL", 8), ("AAHO", 5), ("AARE", 3),
                   ("AARC", 2), ("CO05", 7))
_RESCHEDULED = {"RSSR": ("Rescheduled by staff: officer on training.", "Rescheduled by staff: office closed "
                                                                       "(fire alarm)."),
                "RSOF": ("Asked to rebook for a hospital appointment; rebooked to later in the week.",
                         "Rebooked at {his} request to fit around a job interview.")}
_PRESENT_HOME = ("Person on probation only.", "Person on probation and {his} partner.",
                 "Person on probation and {his} mother.", "Person on probation, {his} partner and two children.",
                 "Person on probation and a housemate.")
_PRESENT_3WAY = ("Person on probation; housing support worker.", "Person on probation; drug service key worker.",
                 "Person on probation; ETE worker.", "Person on probation; mental health practitioner.",
                 "Person on probation; children's social worker.")
PLACEMENTS = (
    ("Avenham Park, Preston: grounds maintenance", ("Horticulture: pruning and clearing borders",
     "Used a strimmer safely after a toolbox talk", "Planting bulbs; worked as part of a team")),
    ("St Mary's church hall: painting and decorating", ("Painting and decorating; used a roller safely",
     "Prepared walls: filling and sanding", "Cutting in neatly around skirting boards")),
    ("Community Payback workshop: joinery", ("Joinery: built planters for a primary school",
     "Measured and cut timber accurately", "Used a cordless drill safely")),
    ("Charity shop, Friargate: retail", ("Retail: sorted and priced donated stock",
     "Customer service on the shop floor", "Cash handling under supervision")),
    ("Canal towpath clearance, Lancaster", ("Litter picking and clearing vegetation; worked as part of a team",
     "Manual handling: lifted and carried safely", "Followed the risk assessment near water")),
    ("Food bank warehouse, Blackburn", ("Warehouse: sorted donations and packed parcels",
     "Stock rotation and date checking", "Worked to a deadline with a team")),
)
_UPW = ("Attended the placement and worked steadily; no concerns from the supervisor.",
        "Punctual; completed the day's tasks and helped a new starter.",
        "Worked well with the group. Supervisor reports a good attitude.",
        "Quiet at first but settled into the work.",
        "Good effort today; asked about similar paid work.")
_ETE_CREDIT = (("ETE activity approved by the officer: employability course at the college.",
                "Employability: wrote a CV and a cover letter"),
               ("ETE activity approved by the officer: English and maths functional skills class.",
                "Functional skills: maths level 1 practice"))
_PROGRAMMES = ("Attended the group session; participated in role plays on managing conflict.",
               "Programme session on thinking before acting; completed the homework.",
               "Group session on relationships; quiet but engaged when asked.")
_VICTIM = (
    ("Victim liaison officer spoke with the victim about the licence.",
     "The victim asked for an exclusion zone covering the street where they live and their place of work."),
    ("Update from the victim liaison officer after a call with the victim.",
     "Does not want any contact, directly or through others; content with the non-contact condition."),
    ("Victim liaison contact: licence conditions reviewed with the victim.",
     "Worried about meeting {him} in the town centre; asked that the exclusion zone be kept."),
    ("Victim liaison officer visited the victim.",
     "Has asked to be told if {his} address changes or if {he} is recalled."),
)
_MAPPA = ("MAPPA meeting held. Risk management plan reviewed; police to complete a home visit; officer to review "
          "the licence conditions.",
          "MAPPA review: no new concerns from the agencies; level to stay the same until the next review.",
          "MAPPA meeting: intelligence shared about a new address; officer to verify it this week.")
_PRESENT_MAPPA = ("Police (MOSOVO); housing; probation.", "Police; children's services; probation; mental health.")
_MARAC = ("Case discussed at MARAC. The partner is supported by an IDVA; officer to share any change of address.",
          "MARAC: repeat referral discussed; actions agreed with police and children's services.")
_POLICE = ("Police liaison: checked with the neighbourhood team; no new intelligence.",
           "Police liaison: intelligence that {he} was seen with known associates; to discuss at the next "
           "appointment.",
           "Police liaison: no call-outs to the address since the last check.")
_LETTER = ("Letter sent confirming the next appointment.", "Appointment letter posted with a map of the office.",
           "Email to the housing provider about the tenancy, with consent.")
_OVERSIGHT = ("Management oversight: case discussed in supervision with the SPO. Sentence plan to be reviewed "
              "within 10 working days.",
              "Management oversight: enforcement decisions reviewed and agreed.",
              "Management oversight: risk assessment countersigned; no further actions.")
_ENFORCEMENT_REASONS = {
    "EA02": ("First failure in 12 months without an acceptable explanation. First warning letter sent.",
             "Missed appointment not explained; first warning letter issued."),
    "EA03": ("Second failure on licence in 12 months. Final warning letter sent and the consequences explained.",),
    "IBR": ("A further unacceptable failure within 12 months of a warning. Breach papers prepared for court.",
            "Second unacceptable failure in 12 months. Breach initiated."),
    "EA11": ("Third failure on licence in 12 months; engagement has broken down. Recall requested.",
             "Failure on licence with risk increasing. Recall requested."),
    "NFA": ("Evidence received afterwards (hospital letter). No further action.",
            "Professional judgement: first missed appointment after a bereavement. No further action."),
    "ROM": ("Referred to the SPO: the circumstances need a second opinion before a decision.",),
}
_PRONOUNS = {True: {"he": "he", "He": "He", "his": "his", "His": "His", "him": "him"},
             False: {"he": "she", "He": "She", "his": "her", "His": "Her", "him": "her"}}


def _gendered(value: object, words: dict[str, str]) -> object:
    """value (a string, or tuples and dicts of them) with the pronoun placeholders filled in."""
    if isinstance(value, str):
        return value.format(**words)
    if isinstance(value, dict):
        return {k: _gendered(x, words) for k, x in value.items()}
    return tuple(_gendered(x, words) for x in value)  # type: ignore[attr-defined]


_TEXT_PARTS = {"openers": _OPENERS, "needs": _NEEDS, "risks": _RISKS, "actions": _ACTIONS,
               "induction": _INDUCTION, "failure": _FAILURE, "absence": _ABSENCE, "rescheduled": _RESCHEDULED,
               "home": _PRESENT_HOME, "upw": _UPW, "police": _POLICE, "victim": _VICTIM}
# TEXT[male][part]: the fragments for a man (True) or a woman (False).
TEXT: dict[bool, dict[str, Any]] = {male: {k: _gendered(v, words) for k, v in _TEXT_PARTS.items()}
                          for male, words in _PRONOUNS.items()}


def _cum(pairs: tuple[tuple[str, float], ...]) -> tuple[tuple[str, ...], list[float]]:
    codes = tuple(p[0] for p in pairs)
    total, cum = 0.0, []
    for _, w in pairs:
        total += w
        cum.append(total)
    return codes, cum


_REGULAR = _cum(REGULAR_TYPES)
_OUTCOME_TABLES = {k: _cum(v) for k, v in OUTCOMES.items()}
_ABSENCE_TABLE = _cum(ABSENCE_REASONS)


def _pick(rng: random.Random, table: tuple[tuple[str, ...], list[float]]) -> str:
    codes, cum = table
    return codes[bisect.bisect(cum, rng.random() * cum[-1])]
