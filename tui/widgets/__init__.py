"""Widgets of the wizard: translated text, the key bar, banners, the error note, PIN inputs."""
