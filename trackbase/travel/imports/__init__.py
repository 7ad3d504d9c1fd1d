"""CSV import of flight histories: formats and airports (pure), journeys and layovers (pure), the job (Django)."""
