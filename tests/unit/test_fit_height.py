"""A figure drawn at another height (presentation mode, slide export) keeps what sits under
its plot (legend, colour bar, footnotes) at the same distance in pixels from the plot."""
import plotly.graph_objects as go

from mirador import figures


def _px_below_plot(fig: go.Figure, paper_y: float) -> float:
    margin = fig.layout.margin
    return -paper_y * (fig.layout.height - margin.t - margin.b)


def test_notes_under_the_plot_keep_their_pixel_distance():
    fig = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    fig.update_layout(height=1400, margin=dict(t=100, b=200), legend=dict(y=-0.05),
                      coloraxis=dict(colorbar=dict(y=-0.02)))
    fig.add_annotation(text="note", xref="paper", yref="paper", x=0, y=-0.1, showarrow=False)
    fig.add_annotation(text="sin datos", x=1, y="b", showarrow=False)  # on the axis: never moved
    before = {"note": _px_below_plot(fig, -0.1), "legend": _px_below_plot(fig, -0.05),
              "colorbar": _px_below_plot(fig, -0.02)}

    fitted = figures.with_height(fig, 690)

    assert fitted.layout.height == 690 and fig.layout.height == 1400  # a copy; the original stays
    note = next(a for a in fitted.layout.annotations if a.text == "note")
    assert abs(_px_below_plot(fitted, note.y) - before["note"]) < 1e-6
    assert abs(_px_below_plot(fitted, fitted.layout.legend.y) - before["legend"]) < 1e-6
    assert abs(_px_below_plot(fitted, fitted.layout.coloraxis.colorbar.y) - before["colorbar"]) < 1e-6
    assert next(a for a in fitted.layout.annotations if a.text == "sin datos").y == "b"

