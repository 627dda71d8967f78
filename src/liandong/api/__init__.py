"""liandong.api"""
