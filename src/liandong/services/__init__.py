"""liandong.services"""
