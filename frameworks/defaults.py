"""The frameworks and scale a new installation starts with.

From the Talking Points research on the outcomes that matter to people who use
services and to unpaid carers (University of York and University of Glasgow).
Admins may edit, extend or retire them afterwards; loading never overwrites that.
"""

from .models import Band, CategoryKind

QOL = CategoryKind.QUALITY_OF_LIFE
PROCESS = CategoryKind.PROCESS
CHANGE = CategoryKind.CHANGE
CARING = CategoryKind.CARING_ROLE

EXTENT_SCALE = {
    "key": "extent-achieved",
    "name": "Extent achieved",
    "kind": "extent",
    "description": "How far an outcome is being achieved, asked at every review.",
    "points": [
        (1, "Not achieved: things have got worse", Band.NOT_ACHIEVED),
        (2, "Not achieved yet", Band.NOT_ACHIEVED),
        (3, "Partly achieved", Band.PARTLY_ACHIEVED),
        (4, "Mostly achieved", Band.PARTLY_ACHIEVED),
        (5, "Fully achieved / being maintained", Band.ACHIEVED),
    ],
}

# (category name, kind, [(short name, plain-language description), ...])
ADULTS = {
    "key": "adults-community",
    "name": "Adults living in the community",
    "audience": "Adults who live in their own homes and get support to do so",
    "description": "What matters to adults supported in the community: their quality of "
    "life, how they experience support, and the changes support aims at.",
    "categories": [
        (
            "Quality of life",
            QOL,
            [
                ("Feeling safe", "Feeling safe at home and when out and about."),
                ("Having things to do", "Having things to do that the person enjoys or values."),
                ("Seeing people", "Seeing family, friends and other people as much as they want."),
                ("Staying as well as you can", "Keeping as healthy and well as possible."),
                (
                    "Living where you want / as you want",
                    "Living in the place and the way the person chooses.",
                ),
                (
                    "Dealing with stigma / discrimination",
                    "Being free from, or able to deal with, stigma and unfair treatment.",
                ),
            ],
        ),
        (
            "Process",
            PROCESS,
            [
                ("Listened to", "Being listened to by the people who support them."),
                ("Having a say", "Having a say in decisions about their support."),
                ("Treated with respect", "Being treated with dignity and respect."),
                ("Responded to", "Getting a response when they ask for help or something changes."),
                ("Reliability", "Support that turns up when and as agreed."),
            ],
        ),
        (
            "Change",
            CHANGE,
            [
                ("Improved confidence / morale", "Feeling more confident and in better spirits."),
                ("Improved skills", "Gaining or regaining skills for everyday life."),
                ("Improved mobility", "Getting about more easily, indoors and out."),
                ("Reduced symptoms", "Symptoms such as pain or breathlessness reduced or managed."),
            ],
        ),
    ],
}

CARERS = {
    "key": "unpaid-carers",
    "name": "Unpaid carers",
    "audience": "Family members and friends who provide unpaid care",
    "description": "What matters to unpaid carers: the cared-for person's quality of life, "
    "the carer's own life, managing the caring role, and how support is experienced.",
    "categories": [
        (
            "Quality of life for the cared-for person",
            QOL,
            [
                (
                    "Quality of life for the cared-for person",
                    "The person being cared for has a good quality of life.",
                ),
            ],
        ),
        (
            "Quality of life for the carer",
            QOL,
            [
                (
                    "Maintaining health and well-being",
                    "The carer stays physically and mentally well.",
                ),
                ("A life of their own", "Time and space for the carer's own interests and plans."),
                (
                    "Positive relationship with the person cared for",
                    "A good relationship with the person they care for.",
                ),
                (
                    "Freedom from financial hardship",
                    "Caring does not leave the carer struggling for money.",
                ),
            ],
        ),
        (
            "Managing the caring role",
            CARING,
            [
                (
                    "Choices in caring, including the limits of caring",
                    "The carer chooses whether and how much to care, and where the limits are.",
                ),
                (
                    "Feeling informed / skilled / equipped",
                    "The carer has the information, skills and equipment they need.",
                ),
                ("Satisfaction in caring", "The carer finds caring worthwhile."),
                (
                    "Partnership with services",
                    "The carer works together with services as an equal partner.",
                ),
            ],
        ),
        (
            "Process",
            PROCESS,
            [
                (
                    "Valued / respected and expertise recognised",
                    "The carer's knowledge of the person is valued and respected.",
                ),
                (
                    "Having a say in services",
                    "The carer has a say in the services that are provided.",
                ),
                (
                    "Flexible and responsive to changing needs",
                    "Support changes as the carer's and the person's needs change.",
                ),
                (
                    "Positive relationship with practitioners",
                    "A good working relationship with the practitioners involved.",
                ),
                (
                    "Accessible, available and free at the point of need",
                    "Support is easy to reach, there when needed, and free to use.",
                ),
            ],
        ),
    ],
}

CARE_HOMES = {
    "key": "care-homes",
    "name": "People living in care homes",
    "audience": "People who live in a care home",
    "description": "What matters to people living in care homes, in their own voice.",
    "categories": [
        (
            "Quality of life",
            QOL,
            [
                ("I feel safe and secure", "Feeling safe and secure in the home."),
                ("I see people", "Seeing family, friends and other residents as much as I want."),
                ("I have things to do", "Having things to do that I enjoy or value."),
                ("I live in a nice place", "A home that is comfortable, clean and pleasant."),
                (
                    "I live life as I want and where I want",
                    "Making my own choices about my day and my life.",
                ),
                ("I stay as well as I can", "Keeping as healthy and well as possible."),
                ("I belong to a community", "Feeling part of the home and the wider community."),
            ],
        ),
        (
            "Process",
            PROCESS,
            [
                ("I am treated as an individual", "Being known and treated as the person I am."),
                ("I am valued and respected", "Being treated with dignity and respect."),
                ("I am listened to", "The people who support me listen to me."),
                (
                    "I have a say in decisions about my care and support",
                    "Having a say in decisions about my care and support.",
                ),
            ],
        ),
    ],
}

DEFAULT_FRAMEWORKS = [ADULTS, CARERS, CARE_HOMES]
