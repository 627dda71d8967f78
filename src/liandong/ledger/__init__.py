"""liandong.ledger"""
