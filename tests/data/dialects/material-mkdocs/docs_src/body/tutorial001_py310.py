from fastapi import FastAPI
from pydantic import BaseModel


class Item(BaseModel):
    price: float | None = None
# not included: after line 6
