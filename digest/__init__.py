"""digest: turn a pile of news articles into a short briefing in which every sentence is cited.

The core (``digest.pipeline.build``) never imports textual; front ends call it.
"""

__version__ = "0.1.0"
