"""A production worker compiles its templates while it starts (app.warm_up), not on first requests."""
from app import create_app
from config import ProductionConfig, TestingConfig


def test_production_precompiles_and_tests_do_not():
    assert ProductionConfig.PRECOMPILE_TEMPLATES is True
    assert not getattr(TestingConfig, "PRECOMPILE_TEMPLATES", False)


def test_every_template_is_compiled_at_start_when_asked():
    app = create_app({"TESTING": True, "PRECOMPILE_TEMPLATES": True,
                      "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    env = app.jinja_env
    names = env.list_templates(extensions=("html", "txt", "xml"))
    assert "base.html" in names
    cached = {key[1] for key in env.cache}
    assert set(names) <= cached
