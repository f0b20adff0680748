"""The IMS SS words this engine understands, with their schema defaults: element names, attributes,
rule actions. Anything found in a manifest outside these tables is reported as unsupported."""

TRUE_WORDS = ("true", "1")

# <controlMode> attribute -> default
CONTROL_MODE_DEFAULTS = {
    "choice": True, "choiceExit": True, "flow": False, "forwardOnly": False,
    "useCurrentAttemptObjectiveInfo": True, "useCurrentAttemptProgressInfo": True,
}
# <rollupRules> attribute -> (key, type, default)
ROLLUP_ATTRIBUTES = {
    "rollupObjectiveSatisfied": ("objective_satisfied", "boolean", True),
    "rollupProgressCompletion": ("progress_completion", "boolean", True),
    "objectiveMeasureWeight": ("measure_weight", "number", 1.0),
}
# <deliveryControls> attribute -> default
DELIVERY_DEFAULTS = {"tracked": True, "completionSetByContent": False, "objectiveSetByContent": False}
# <adlseq:rollupConsiderations> attribute -> default
CONSIDERATION_DEFAULTS = {
    "requiredForSatisfied": "always", "requiredForNotSatisfied": "always", "requiredForCompleted": "always",
    "requiredForIncomplete": "always", "measureSatisfactionIfActive": "true",
}
# <mapInfo> attribute -> default
MAP_INFO_DEFAULTS = {
    "readSatisfiedStatus": True, "readNormalizedMeasure": True, "writeSatisfiedStatus": False,
    "writeNormalizedMeasure": False,
}

# Rule kinds of <sequencingRules> -> the actions this engine honours for that kind.
RULE_KINDS = {
    "preConditionRule": ("skip", "disabled", "hiddenFromChoice"),
    "exitConditionRule": (),
    "postConditionRule": (),
}
ROLLUP_ACTIONS = ("satisfied", "notSatisfied", "completed", "incomplete")

# Children of <sequencing> that are read; the others are reported (see docs/sequencing.rst).
SUPPORTED_ELEMENTS = (
    "controlMode", "sequencingRules", "limitConditions", "rollupRules", "objectives", "deliveryControls",
    "rollupConsiderations",
)
# limitConditions attributes that are honoured.
SUPPORTED_LIMITS = ("attemptLimit",)
# What scorm-again's sequencing engine honours in the browser beyond this engine's subset, when it runs (SCORM
# 2004, several SCOs): the names unsupported_elements gives for them, left out of the author's warning.
BROWSER_ENGINE_HANDLES = (
    "postConditionRule:exitParent", "postConditionRule:exitAll", "postConditionRule:retry",
    "postConditionRule:retryAll", "postConditionRule:continue", "postConditionRule:previous",
    "exitConditionRule:exit", "exitConditionRule:exitParent", "exitConditionRule:exitAll",
    "preConditionRule:stopForwardTraversal", "constrainedChoiceConsiderations",
)
# Rule conditions that depend on time tracking this engine does not do: always false.
TIME_CONDITIONS = ("timeLimitExceeded", "outsideAvailableTimeRange")
