"""liandong.http: what the REST API and the web pages share (dependencies, throttling, guards, errors)."""
