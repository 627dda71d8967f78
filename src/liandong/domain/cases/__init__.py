"""Cases: the closed loop of a reported problem, from intake to archive (DESIGN §4)."""
