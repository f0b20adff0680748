"""The learner's way through a multi-SCO package as the player sees it: one run-time state per SCO, the table of
contents, and the navigation requests the player sends. Knows nothing of XBlock; the block stores and renders what
it returns. The sequencing rules that decide whether a request is allowed are openedxscorm.sequencing's."""
