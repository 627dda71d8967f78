"""Linkage instruments (联动形式): pilots, projects, directives, commendations and criticism,
inspections, assessment cycles, briefings, experience exchange, symposiums, training, meetings and
resource requests — each an event-sourced object with its workflow, checked against the
governance elements of the acting department's level (DESIGN.md §6)."""
