//! The run's charts, drawn by the run itself (SVG): requests/s against connections for
//! each target, latency against table size.

use std::path::Path;

use plotters::prelude::*;

/// One line: its name and its (x, y) points.
pub type Series = (String, Vec<(f64, f64)>);

const COLOURS: [RGBColor; 6] = [BLACK, BLUE, RED, GREEN, MAGENTA, CYAN];

/// A line chart with a log2 x axis (connections, table sizes), one line per series.
pub fn lines(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    log_x: bool,
    series: &[Series],
) -> Result<(), Box<dyn std::error::Error>> {
    let points = series.iter().flat_map(|(_, p)| p.iter());
    let (mut x_max, mut y_max) = (1.0f64, 0.0f64);
    let mut x_min = f64::MAX;
    for &(x, y) in points {
        x_max = x_max.max(x);
        x_min = x_min.min(x);
        y_max = y_max.max(y);
    }
    if x_min == f64::MAX {
        x_min = 1.0;
    }
    let tx = |x: f64| if log_x { x.log10() } else { x };
    let root = SVGBackend::new(path, (800, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(tx(x_min)..tx(x_max) + 0.05, 0.0..y_max * 1.1 + 1e-9)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .x_label_formatter(&|v| {
            let x = if log_x { 10f64.powf(*v) } else { *v };
            if x >= 1000.0 {
                format!("{:.0}k", x / 1000.0)
            } else {
                format!("{x:.0}")
            }
        })
        .draw()?;
    for (i, (name, pts)) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|&(x, y)| (tx(x), y)),
                colour.stroke_width(2),
            ))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart.draw_series(
            pts.iter()
                .map(|&(x, y)| Circle::new((tx(x), y), 3, colour.filled())),
        )?;
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .position(SeriesLabelPosition::UpperLeft)
        .draw()?;
    root.present()?;
    Ok(())
}
