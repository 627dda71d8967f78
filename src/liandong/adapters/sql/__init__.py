"""liandong.adapters.sql"""
