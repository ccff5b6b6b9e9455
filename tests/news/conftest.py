import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(media_root):
    """Uploads and renditions of every news test go to a folder of its own."""
