"""liandong.assessment"""
