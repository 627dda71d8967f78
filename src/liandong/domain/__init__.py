"""The pure domain: hierarchy, organisation, responsibility lists and the rules over them."""
