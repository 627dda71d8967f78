"""liandong.simulation"""
