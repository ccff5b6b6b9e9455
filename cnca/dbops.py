"""Migration operations the portal's apps share."""

from django.db.migrations.operations.base import Operation


class AddPostgresIndex(Operation):
    """Create ``index`` on ``model_name`` on PostgreSQL only, outside the model state.

    For full-text GIN indexes over ``to_tsvector(...)``: SQLite has no such
    function, and an index kept in the model state would be rebuilt by every
    later SQLite table change and fail there. The search code queries the same
    expression (cnca/search.py ``weighted_vector``); a test checks the planner
    uses the index.
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass  # the model state knows nothing of it, on purpose (see the docstring)

    def _run(self, app_label, schema_editor, state, method):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(app_label, self.model_name)
        getattr(schema_editor, method)(model, self.index)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, "add_index")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, "remove_index")

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [],
            {"model_name": self.model_name, "index": self.index},
        )

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_{self.index.name.lower()}"
