"""The web front: JSON API, citizens' chat, hotline staff tools and embedding, served by one process."""

from .app import create_app

__all__ = ["create_app", "serve"]


def serve(settings=None, *, progress: bool = False) -> None:
    """Load the engine once, build the app and run it with uvicorn on settings.host:settings.port."""
    import gc

    import uvicorn

    from ..assistant import Assistant
    from ..config import Settings

    settings = settings or Settings.from_env()
    assistant = Assistant.load(settings, progress=progress)
    app = create_app(assistant, settings)
    # The engine is ~270k long-lived objects (dictionaries, index, corpus) that a full garbage collection
    # would walk every time, ~160 ms with the GIL held and everyone's answer waiting; they live as long
    # as the process, so they are left out of collection for good.
    gc.freeze()
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 only: behind a local reverse proxy the rate limit
    # still sees each citizen's address, and nobody else can choose theirs.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
