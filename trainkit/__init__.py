"""trainkit: tailored customer-service training from one source.

Generic modules in ``content/`` become one program per industry profile in ``industries/``:
a learner site and printable editions. :func:`trainkit.pipeline.build` is the whole pipeline.
"""

__version__ = "0.1.0"
