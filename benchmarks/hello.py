"""The hello-world that checks are measured against: a FastAPI app on the same server
software (uvicorn, same event loop, same number of workers) that accepts the same
request, `POST /v1/checks` with the same JSON body, validates it with pydantic and
answers a fixed decision, doing nothing else:

    python -m uvicorn benchmarks.hello:app --workers N --port PORT
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Question(BaseModel):
    subject: str
    action: str
    as_of: str | None = None


class Answer(BaseModel):
    subject: str
    action: str
    decision: str


@app.get("/")
async def hello() -> dict[str, str]:
    return {"hello": "world"}


@app.post("/v1/checks")
async def checks(question: Question) -> Answer:
    return Answer(subject=question.subject, action=question.action, decision="allow")
