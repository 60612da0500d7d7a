"""The demo data of `make run` (`manage.py seed_demo`): 相山区, loaded through the services.

``load`` builds it (common: shared names and helpers; preparation: each community's preparation; stages:
nomination, vetting and publicity of the communities that moved on); ``print_logins`` lists the accounts.
"""

from .common import DEMO_PASSWORD
from .load import load, print_logins

__all__ = ["DEMO_PASSWORD", "load", "print_logins"]
