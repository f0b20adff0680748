"""The words of imsmanifest.xml the parser relies on: versions, namespaces, element and attribute names, limits."""

# Version code -> label shown to authors.
VERSION_LABELS = {
    "1.2": "SCORM 1.2",
    "2004-2nd": "SCORM 2004 2nd Edition",
    "2004-3rd": "SCORM 2004 3rd Edition",
    "2004-4th": "SCORM 2004 4th Edition",
}

# <schemaversion> text (lowercased, spaces collapsed) -> version code.
SCHEMA_VERSIONS = {
    "1.2": "1.2",
    "cam 1.3": "2004-2nd",
    "2004 2nd edition": "2004-2nd",
    "2004 3rd edition": "2004-3rd",
    "2004 4th edition": "2004-4th",
}

# Used when <schemaversion> is missing or unknown: the first namespace of this list that the manifest declares
# decides. The ADL CP namespace comes first because it is the one that differs between 1.2 and the 2004 editions.
NAMESPACE_VERSIONS = (
    ("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "1.2"),
    ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "1.2"),
    ("http://www.adlnet.org/xsd/adlcp_v1p2", "2004-2nd"),
    ("http://www.adlnet.org/xsd/adlcp_v1p3", "2004-3rd"),
    ("http://www.imsglobal.org/xsd/imscp_v1p1", "2004-3rd"),
    ("http://www.imsglobal.org/xsd/imsss", "2004-3rd"),
    ("http://www.adlnet.org/xsd/adlseq_v1p3", "2004-3rd"),
    ("http://www.adlnet.org/xsd/adlnav_v1p3", "2004-3rd"),
)
# When no namespace of the table is declared either.
FALLBACK_VERSION = "1.2"

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
XML_BASE = "{%s}base" % XML_NAMESPACE

# Elements are matched by local name, so that manifests with slightly wrong namespace URIs (common in the wild)
# still parse. Item child elements read as text -> Item field, with the value type.
ITEM_TEXT_ELEMENTS = {
    "masteryscore": ("mastery_score", "number"),
    "datafromlms": ("data_from_lms", "text"),
    "maxtimeallowed": ("max_time_allowed", "text"),
    "timelimitaction": ("time_limit_action", "text"),
    "prerequisites": ("prerequisites", "text"),
}

# Attributes matched by lowercased local name, any namespace (1.2 says scormtype, 2004 scormType).
SCORM_TYPE_ATTRIBUTE = "scormtype"
OBJECTIVES_GLOBAL_ATTRIBUTE = "objectivesglobaltosystem"

# adlcp:completionThreshold (4th edition attributes) -> key, type, default when absent.
COMPLETION_THRESHOLD_ATTRIBUTES = {
    "completedbymeasure": ("completedByMeasure", "boolean", False),
    "minprogressmeasure": ("minProgressMeasure", "number", 1.0),
    "progressweight": ("progressWeight", "number", 1.0),
}

BOOLEANS = {"true": True, "1": True, "false": False, "0": False}

# Byte prefixes that fix the encoding before any declaration is read (XML 1.0, appendix F).
ENCODING_PREFIXES = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
DEFAULT_ENCODING = "utf-8"

# Deepest element nesting accepted; real manifests stay well below 30.
MAX_DEPTH = 100

# Schemes are never launchable; any colon in the first path segment would be read as one by a browser.
PATH_SAFE_CHARACTERS = "/!$&'()*+,;=:@~"
QUERY_SAFE_CHARACTERS = "/?!$&'()*+,;=:@~%"
