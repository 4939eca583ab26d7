"""Schools (tenants): legal identity, settings, the platform operator."""
