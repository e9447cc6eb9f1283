"""The one-route baseline of benchmarks.md: a constant page from a bare Flask app."""

from flask import Flask

app = Flask(__name__)
PAGE = "<!doctype html><html lang=zh-CN><title>baseline</title><p>" + "重大行政决策" * 200


@app.get("/")
def index():
    return PAGE
