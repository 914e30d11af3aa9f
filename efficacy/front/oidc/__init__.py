"""Sign-in with the school's OpenID Connect provider (django-allauth).

``config`` reads the providers from the environment (imported by the settings, so it
imports nothing of Django's models); ``adapter`` is the server's own check of each
sign-in (domain or tenant, verified e-mail, an existing account, the link by ``sub``);
``urls`` mounts only what social sign-in needs, under ``/auth/``.
"""
