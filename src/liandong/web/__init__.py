"""liandong.web"""
