"""liandong.insight"""
