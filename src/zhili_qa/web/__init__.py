"""The web front: JSON API, citizens' chat, hotline staff tools and embedding, served by one process.

The app itself is ``web.app.create_app``; importing this package imports no more than its modules ask for,
so a part such as ``web.catalog`` comes without Gradio (~5 s to import).
"""

__all__ = ["serve"]


def serve(settings=None, *, progress: bool = False) -> None:
    """Load the engine once, build the app and run it with uvicorn on settings.host:settings.port."""
    import gc

    import uvicorn

    from ..assistant import Assistant
    from ..config import Settings
    from .app import create_app
    from .server import uvicorn_config

    settings = settings or Settings.from_env()
    assistant = Assistant.load(settings, progress=progress)
    app = create_app(assistant, settings)
    # The engine is ~270k long-lived objects (dictionaries, index, corpus) that a full garbage collection
    # would walk every time, ~160 ms with the GIL held and everyone's answer waiting; they live as long
    # as the process, so they are left out of collection for good.
    gc.freeze()
    # Forwarded headers are believed from ZHILI_FORWARDED_ALLOW_IPS only (proxy.py); see server.py for the limits.
    uvicorn.Server(uvicorn_config(app, settings)).run()
