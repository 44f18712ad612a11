"""Each provider's contract, by provider id. A provider registered without one fails the contract test."""

from __future__ import annotations

from ..contract import Contract
from . import acme, ddapi, imaterialise, payfabric, shopwave, skypostal

CONTRACTS: dict[str, Contract] = {
    module.CONTRACT.provider_id: module.CONTRACT
    for module in (imaterialise, skypostal, payfabric, shopwave, ddapi, acme)
}
