"""liandong.server: the app that serves api and web together, its writer process and its timers."""
