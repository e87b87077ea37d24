"""The demo's thirteen invented cases: each child's story, the agencies that knew the
family, what the review found and what those agencies were asked to do.

Everything is invented, the area included: the demo partnership is Examplebury's, and
surnames are placeholders (Example, Sample, Specimen...) so nobody could mistake a case for
a real family. Each story holds together: the agencies are the ones such a case would
involve, the findings follow from the story, and every action is owned by an agency that
was involved, so the demo's tracker reads like one a partnership would keep.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CHILDREN",
    "DEMO_AREA",
    "DEMO_PARTNERSHIP",
    "REFERRER_TITLES",
    "Child",
    "DemoAction",
    "DemoRecommendation",
]

DEMO_AREA = "Examplebury"
DEMO_PARTNERSHIP = "Examplebury Safeguarding Children Partnership"

# The job title of the person who refers, by the agency they work for.
REFERRER_TITLES = {
    "Acute hospital trust": "Named nurse for safeguarding",
    "Child and adolescent mental health services": "CAMHS safeguarding lead",
    "Children's social care": "Team manager",
    "Early help": "Early help coordinator",
    "GP / primary care": "Named GP for safeguarding",
    "Health visiting": "Health visitor",
    "Midwifery": "Named midwife",
    "Police": "Detective sergeant, public protection",
    "School / education": "Designated safeguarding lead",
    "School nursing": "School nurse",
}


@dataclass(frozen=True)
class DemoAction:
    """One SMART action, its owner (an agency in the case) and the owner's post."""

    action: str
    agency: str
    officer: str


@dataclass(frozen=True)
class DemoRecommendation:
    text: str
    themes: tuple[str, ...]
    actions: tuple[DemoAction, ...]


@dataclass(frozen=True)
class Child:
    first: str
    surname: str
    pseudonym: str
    sex: str
    age_years: int  # 0: a baby
    outcome: str  # "Died" | "Seriously harmed"
    harm: list[str]
    story: str
    agencies: list[str]  # the first made the referral
    mother: str
    father: str
    episode: tuple[str, str]  # the key practice episode: what happened, and why
    learning: tuple[str, str]  # the rapid review's learning point and its theme
    findings: tuple[str, ...] = ()
    improvements: str = ""
    recommendations: tuple[DemoRecommendation, ...] = field(default_factory=tuple)

    @property
    def actions(self) -> list[tuple[DemoRecommendation, DemoAction]]:
        """Every action in order, with the recommendation it serves."""
        return [(rec, action) for rec in self.recommendations for action in rec.actions]


def _rec(text: str, themes: tuple[str, ...], *actions: tuple[str, str, str]) -> DemoRecommendation:
    return DemoRecommendation(text, themes, tuple(DemoAction(*a) for a in actions))


CSC, EH, HV, POLICE = "Children's social care", "Early help", "Health visiting", "Police"
GP, SN, SCHOOL = "GP / primary care", "School nursing", "School / education"
MIDWIFERY, HOUSING, HOSPITAL = "Midwifery", "Housing", "Acute hospital trust"

CHILDREN: list[Child] = [
    Child(
        "Poppy",
        "Example",
        "Child A",
        "Female",
        1,
        "Seriously harmed",
        ["Physical"],
        "Poppy was taken to hospital with a fractured arm and bruising to her face that "
        "her parents could not explain.",
        [HV, HOSPITAL, POLICE],
        "Jade Example",
        "Carl Example",
        (
            "The month before the injury",
            "A bruise was seen at a health visit and accepted as a fall.",
        ),
        ("Bruising in a baby who cannot yet walk is always a concern.", "Risk assessment"),
    ),
    Child(
        "Noah",
        "Sample",
        "Child B",
        "Male",
        0,
        "Died",
        ["Sudden unexpected infant death"],
        "Noah, aged ten weeks, was found unresponsive after sharing a sofa to sleep with his "
        "father, who had been drinking.",
        [MIDWIFERY, HV, GP, "Drug and alcohol services"],
        "Leanne Sample",
        "Darren Sample",
        ("The weeks after the birth", "Safe sleep advice was given to the mother only."),
        ("Safe sleep advice must reach every carer, fathers included.", "Fathers and men"),
    ),
    Child(
        "Ruby",
        "Specimen",
        "Child C",
        "Female",
        15,
        "Seriously harmed",
        ["Exploitation (criminal or sexual)"],
        "Ruby was found in another city with serious injuries after going missing for four "
        "days; she had been going missing regularly for a year.",
        [POLICE, CSC, SCHOOL],
        "Kerry Specimen",
        "Paul Specimen",
        (
            "The year before the incident",
            "Each missing episode was handled on its own and "
            "return interviews were not always offered.",
        ),
        ("Repeated missing episodes are a sign of exploitation.", "Exploitation"),
    ),
    Child(
        "Leo",
        "Placeholder",
        "Child D",
        "Male",
        3,
        "Died",
        ["Neglect", "Physical"],
        "Leo died of a head injury; the family had been known to services for neglect for "
        "two years and a child protection plan had ended six months earlier.",
        [CSC, HV, POLICE, "Early years / nursery"],
        "Stacey Placeholder",
        "Ryan Placeholder",
        (
            "After the child protection plan ended",
            "The nursery saw Leo's attendance fall but nobody was told the plan had ended.",
        ),
        ("Ending a plan needs a clear handover to universal services.", "Neglect"),
    ),
    Child(
        "Isla",
        "Invented",
        "Child E",
        "Female",
        6,
        "Seriously harmed",
        ["Neglect"],
        "Isla was admitted to hospital severely malnourished; she had not attended school "
        "for most of the term.",
        [SCHOOL, SN, GP, EH],
        "Gemma Invented",
        "Lee Invented",
        ("The autumn term", "The school recorded the absence as illness without seeing Isla."),
        ("A child missing education needs to be seen.", "Neglect"),
    ),
    Child(
        "Theo",
        "Madeup",
        "Child F",
        "Male",
        16,
        "Died",
        ["Suicide or self-harm"],
        "Theo died by suicide; he had been waiting for a mental health assessment and had "
        "been excluded from school.",
        ["Child and adolescent mental health services", SCHOOL, POLICE, EH],
        "Donna Madeup",
        "Steven Madeup",
        (
            "The three months before his death",
            "The referral waited on a list while the "
            "school excluded him, and neither knew what the other had done.",
        ),
        (
            "A child waiting for mental health help needs a plan while they wait.",
            "Parental mental health",
        ),
    ),
    Child(
        "Freya",
        "Fictional",
        "Child G",
        "Female",
        2,
        "Seriously harmed",
        ["Physical"],
        "Freya suffered burns at home; her mother's partner had a history of domestic "
        "abuse that not every agency knew about.",
        [POLICE, CSC, HV],
        "Chloe Fictional",
        "Jason Fictional",
        (
            "When the partner moved in",
            "The police held his history; the health visitor did not know he lived there.",
        ),
        ("Agencies need to know who lives in the home.", "Domestic abuse"),
    ),
    Child(
        "Oscar",
        "Imaginary",
        "Child H",
        "Male",
        0,
        "Seriously harmed",
        ["Physical"],
        "Oscar, aged four months, was found to have rib fractures of different ages.",
        [MIDWIFERY, HV, GP, POLICE],
        "Amy Imaginary",
        "Dean Imaginary",
        (
            "The new-birth visit to four months",
            "A small bruise on his ear was noted but not referred, and his father was never seen.",
        ),
        ("Any bruise on a baby who is not mobile must be referred.", "Risk assessment"),
        recommendations=(
            _rec(
                "Refer every bruise or unexplained injury on a baby who is not yet mobile for a "
                "safeguarding assessment.",
                ("Risk assessment",),
                (
                    "Relaunch the bruising in non-mobile babies protocol with a briefing for "
                    "every health visitor, and audit 20 new-birth records.",
                    HV,
                    "Named nurse for safeguarding",
                ),
            ),
            _rec(
                "See and speak to fathers and male carers at antenatal and new-birth contacts.",
                ("Fathers and men",),
                (
                    "Add questions about the father and other carers to the antenatal booking "
                    "and new-birth visit records.",
                    MIDWIFERY,
                    "Named midwife for safeguarding",
                ),
            ),
        ),
    ),
    Child(
        "Ava",
        "Pretend",
        "Child I",
        "Female",
        13,
        "Seriously harmed",
        ["Sexual", "Online"],
        "Ava was sexually abused by an adult she met online; concerns raised by her school "
        "were not shared with the police.",
        [SCHOOL, POLICE, CSC],
        "Nicola Pretend",
        "Gary Pretend",
        (
            "The spring term",
            "The school logged her worries about an older 'friend' online "
            "but treated them as an e-safety lesson.",
        ),
        ("Online contact from an adult is a child protection concern.", "Exploitation"),
        findings=(
            "Concerns raised by the school about an adult messaging Ava were not passed to "
            "the police.",
            "Ava told staff she felt unsafe online; it was recorded but not acted on.",
        ),
        improvements="Schools should treat online contact from an adult as a child protection "
        "concern and share it with the police the same day.",
    ),
    Child(
        "Jack",
        "Dummyton",
        "Child J",
        "Male",
        8,
        "Died",
        ["Neglect"],
        "Jack died after an asthma attack at home; medical appointments had been missed "
        "repeatedly and his inhalers had not been collected.",
        [GP, SN, EH],
        "Michelle Dummyton",
        "Craig Dummyton",
        (
            "The year before his death",
            "Eleven asthma reviews were missed and each was closed as 'did not attend'.",
        ),
        ("A child not brought to appointments may be a neglected child.", "Neglect"),
        findings=(
            "Missed asthma reviews were closed as 'did not attend' instead of being followed "
            "up as a child not brought.",
            "The school nurse did not know his inhalers had not been collected for three months.",
            "The early help assessment did not ask about his health.",
        ),
        improvements="Agencies should treat a child not brought to health appointments as a "
        "possible sign of neglect, share asthma care plans, and notice uncollected "
        "prescriptions.",
        recommendations=(
            _rec(
                "Treat a child who is not brought to a health appointment as a possible sign "
                "of neglect.",
                ("Neglect",),
                (
                    "Introduce a 'was not brought' policy in every GP practice, with a "
                    "follow-up call to the family.",
                    GP,
                    "Named GP for safeguarding",
                ),
                (
                    "Report 'was not brought' rates for children with long-term conditions "
                    "to the partnership every quarter.",
                    GP,
                    "Primary care safeguarding lead",
                ),
                (
                    "Contact the family within a week when the school nurse hears a child was "
                    "not brought.",
                    SN,
                    "School nursing team leader",
                ),
            ),
            _rec(
                "Give every child with asthma a care plan that the school nurse and the GP "
                "both hold.",
                ("Information sharing",),
                (
                    "Agree one asthma care plan template with GP practices and send it to "
                    "every primary school.",
                    SN,
                    "School nursing team leader",
                ),
                (
                    "Audit asthma care plans in ten primary schools.",
                    SN,
                    "Head of school nursing",
                ),
            ),
            _rec(
                "Notice when a child's repeat prescription is not collected.",
                ("Neglect", "Professional curiosity"),
                (
                    "Set a practice alert when a child's inhaler prescription is not collected "
                    "for eight weeks.",
                    GP,
                    "Named GP for safeguarding",
                ),
                (
                    "Review the alerts at each practice's monthly safeguarding meeting.",
                    GP,
                    "Practice safeguarding lead",
                ),
            ),
            _rec(
                "Ask about health needs and missed appointments in every early help assessment.",
                ("Neglect",),
                (
                    "Add health needs and missed appointments to the early help assessment form.",
                    EH,
                    "Early help service manager",
                ),
                (
                    "Train early help workers on medical neglect with the school nursing team.",
                    EH,
                    "Early help training lead",
                ),
                (
                    "Audit 20 early help assessments for the child's health needs.",
                    EH,
                    "Early help quality lead",
                ),
            ),
        ),
    ),
    Child(
        "Mia",
        "Mockley",
        "Child K",
        "Female",
        4,
        "Seriously harmed",
        ["Physical", "Neglect"],
        "Mia was injured by a dog at home; the family had been visited many times but the "
        "dogs and the state of the home had not been assessed.",
        [CSC, HV, EH, HOUSING, POLICE],
        "Laura Mockley",
        "Wayne Mockley",
        (
            "The six months before the injury",
            "Visits took place in the front room; the dogs "
            "were shut away and nobody asked about them.",
        ),
        ("Dogs in the home are part of assessing a young child's safety.", "Risk assessment"),
        findings=(
            "Practitioners visited many times but nobody asked about the dogs or looked "
            "beyond the front room.",
            "Early help closed the case when the family stopped engaging, without telling "
            "the health visitor.",
            "Housing and the police held reports about the dogs that children's services "
            "never saw.",
        ),
        improvements="Agencies should assess dogs and home conditions, see the whole home, "
        "share reports about dangerous dogs, and tell each other when support ends.",
        recommendations=(
            _rec(
                "Assess the risk from dogs in the home in every assessment of a young child.",
                ("Risk assessment",),
                (
                    "Add questions about dogs, and where they are kept, to the early help "
                    "assessment.",
                    EH,
                    "Early help service manager",
                ),
                (
                    "Add the same questions to the children's social care assessment.",
                    CSC,
                    "Head of assessment",
                ),
                (
                    "Record the dogs seen, and where, at every health visitor home visit.",
                    HV,
                    "Named nurse for safeguarding",
                ),
            ),
            _rec(
                "See the whole home, including where the child sleeps, on home visits.",
                ("Neglect", "Professional curiosity"),
                (
                    "Give every family support worker a home conditions tool and guidance on "
                    "using it.",
                    EH,
                    "Early help practice lead",
                ),
                (
                    "Audit 30 home visit records for evidence that the child's bedroom was seen.",
                    CSC,
                    "Principal social worker",
                ),
                (
                    "Brief health visitors on the home conditions tool and when to escalate.",
                    HV,
                    "Health visiting team leader",
                ),
            ),
            _rec(
                "Share reports about dangerous dogs between the police, housing and "
                "children's services.",
                ("Information sharing",),
                (
                    "Agree that the dog legislation officer notifies children's services of "
                    "any report of a dangerous dog in a home with young children.",
                    POLICE,
                    "Inspector, neighbourhood policing",
                ),
                (
                    "Tell children's services when a tenancy breach about dogs involves a "
                    "household with young children.",
                    HOUSING,
                    "Tenancy services manager",
                ),
                (
                    "Add dangerous dog reports to the front door's daily checks.",
                    CSC,
                    "Front door service manager",
                ),
            ),
            _rec(
                "Tell the other agencies when early help support ends.",
                ("Information sharing", "Escalation"),
                (
                    "Send a closure summary to the GP, health visitor and nursery whenever an "
                    "early help plan ends.",
                    EH,
                    "Early help service manager",
                ),
                (
                    "Make the early help case system send the closure summary automatically.",
                    EH,
                    "Early help systems lead",
                ),
                (
                    "Audit closure summaries three months after the change.",
                    EH,
                    "Early help quality lead",
                ),
            ),
            _rec(
                "Hear from the child, not only from the parents.",
                ("Voice of the child",),
                (
                    "Train family support workers in direct work with pre-school children.",
                    EH,
                    "Early help training lead",
                ),
                (
                    "Record how the child presents and what their day is like at every health "
                    "visitor review.",
                    HV,
                    "Named nurse for safeguarding",
                ),
                (
                    "Audit 20 assessments for the child's voice.",
                    CSC,
                    "Principal social worker",
                ),
            ),
            _rec(
                "Check with a manager before closing a case because a family will not engage.",
                ("Escalation",),
                (
                    "Require a manager's decision before any case closes for non-engagement.",
                    CSC,
                    "Head of service, children in need",
                ),
                (
                    "Add non-engagement to the early help supervision template.",
                    EH,
                    "Early help service manager",
                ),
            ),
            _rec(
                "Make housing officers part of safeguarding for the families they visit.",
                ("Information sharing",),
                (
                    "Deliver safeguarding training to every housing officer.",
                    HOUSING,
                    "Housing safeguarding lead",
                ),
                (
                    "Name a safeguarding lead in the housing service who joins strategy "
                    "discussions.",
                    HOUSING,
                    "Head of housing services",
                ),
            ),
            _rec(
                "Find out who else lives in or visits the home.",
                ("Fathers and men",),
                (
                    "Ask who lives in or visits the home at every assessment and review.",
                    CSC,
                    "Head of assessment",
                ),
                (
                    "Invite fathers to health visitor reviews by letter as well as mothers.",
                    HV,
                    "Health visiting service manager",
                ),
            ),
            _rec(
                "Escalate home conditions that do not improve.",
                ("Neglect", "Escalation"),
                (
                    "Use the neglect screening tool whenever home conditions concerns recur.",
                    EH,
                    "Early help practice lead",
                ),
                (
                    "Report repeat home conditions concerns in the neglect strategy's "
                    "quarterly data.",
                    CSC,
                    "Performance and quality manager",
                ),
            ),
            _rec(
                "Learn from this review across the partnership.",
                ("Other",),
                (
                    "Run four practitioner learning events on this review.",
                    CSC,
                    "Principal social worker",
                ),
                (
                    "Publish a seven-minute briefing on dogs and young children.",
                    HV,
                    "Named nurse for safeguarding",
                ),
                (
                    "Re-audit home visit practice one year after publication.",
                    EH,
                    "Early help quality lead",
                ),
            ),
        ),
    ),
    Child(
        "Alfie",
        "Fakeham",
        "Child L",
        "Male",
        11,
        "Seriously harmed",
        ["Emotional"],
        "Alfie was found living alone for several weeks while his mother was in hospital; "
        "nobody had noticed he was missing from school meals.",
        [EH, CSC, SCHOOL, HOSPITAL],
        "Sharon Fakeham",
        "Mark Fakeham",
        (
            "His mother's admission to hospital",
            "The ward did not ask whether she looked after a child.",
        ),
        ("Adult services must ask about the children at home.", "Parental mental health"),
        findings=(
            "When his mother was admitted to hospital nobody asked who was looking after her son.",
            "The school noticed he stopped having school meals but did not ask why.",
        ),
        improvements="Hospitals should ask adults about dependent children, and schools "
        "should ask when a child's routine changes suddenly.",
        recommendations=(
            _rec(
                "Ask every adult admitted to hospital whether they look after a child.",
                ("Parental mental health",),
                (
                    "Add a question about dependent children to the hospital admission record.",
                    HOSPITAL,
                    "Head of safeguarding",
                ),
            ),
            _rec(
                "Follow up when a child's routine at school changes suddenly.",
                ("Professional curiosity",),
                (
                    "Brief school staff on noticing and asking when a child stops having "
                    "school meals or looks unkempt.",
                    SCHOOL,
                    "Designated safeguarding leads' network chair",
                ),
                (
                    "Add a welfare check prompt to the school meals system.",
                    SCHOOL,
                    "Education safeguarding adviser",
                ),
            ),
            _rec(
                "Identify children who look after themselves or a parent.",
                ("Voice of the child",),
                (
                    "Ask about caring at home in every early help assessment and offer a "
                    "young carer's assessment.",
                    EH,
                    "Early help service manager",
                ),
            ),
        ),
    ),
    Child(
        "Evie",
        "Testworth",
        "Child M",
        "Female",
        9,
        "Died",
        ["Physical"],
        "Evie was killed by her father, who is awaiting trial; the review is paused until "
        "the criminal proceedings end.",
        [POLICE, CSC, SCHOOL],
        "Hannah Testworth",
        "Scott Testworth",
        (
            "The year before her death",
            "Police attended domestic incidents at the home; the school was not told.",
        ),
        ("Schools need to know about domestic abuse at home.", "Domestic abuse"),
        recommendations=(
            _rec(
                "Tell a child's school about a domestic abuse incident by the next school day.",
                ("Domestic abuse", "Information sharing"),
                (
                    "Join the domestic abuse notification scheme for schools.",
                    POLICE,
                    "Detective Inspector, public protection",
                ),
                (
                    "Brief designated safeguarding leads on what to do with a notification.",
                    SCHOOL,
                    "Education safeguarding adviser",
                ),
            ),
        ),
    ),
]
