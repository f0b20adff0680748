"""xAPI statements of the block's openedx.xblock.scorm.* tracking events, for event-routing-backends.

Add ``"openedxscorm.processors.xapi"`` to INSTALLED_APPS (the same app path as openedx-scorm-xblock's) to register
the transformers; the README's "Tracking and xAPI" section has the settings that let the events through.
"""
