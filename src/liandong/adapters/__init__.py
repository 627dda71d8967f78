"""liandong.adapters"""
