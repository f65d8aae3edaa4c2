package org.rnn4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.rnn4j.InputException;
import org.rnn4j.train.Epoch;

/**
 * The seeds' figure: perplexity against epochs, for training and, when there is one, validation (and, for a model
 * with a memory, the network's own validation beside its mixture's).
 */
final class Plot {
    private Plot() {
    }

    /** Writes {@code base}.png and {@code base}.svg, each atomically. */
    static void write(Path base, String title, List<Epoch> history) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title)
                .xAxisTitle("epoch").yAxisTitle("perplexity (log scale: bits per character = log2 of it)").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        // perplexity is exp(loss): a logarithmic axis shows the loss, and keeps a validation curve
        // that climbs to 100 from flattening a training curve that ends near 1
        chart.getStyler().setYAxisLogarithmic(true);
        double[] epochs = history.stream().mapToDouble(Epoch::epoch).toArray();
        chart.addSeries("train", epochs, history.stream().mapToDouble(Epoch::perplexity).toArray())
                .setMarker(SeriesMarkers.NONE);
        List<Epoch> val = history.stream().filter(m -> !Double.isNaN(m.validationPerplexity())).toList();
        if (!val.isEmpty()) {
            chart.addSeries("validation", val.stream().mapToDouble(Epoch::epoch).toArray(),
                    val.stream().mapToDouble(Epoch::validationPerplexity).toArray()).setMarker(SeriesMarkers.NONE);
        }
        List<Epoch> alone = history.stream().filter(m -> !Double.isNaN(m.networkValidationPerplexity())).toList();
        if (!alone.isEmpty()) { // validation above is the mixture with a memory: the network's own, as training's
            chart.addSeries("validation, the network alone", alone.stream().mapToDouble(Epoch::epoch).toArray(),
                    alone.stream().mapToDouble(Epoch::networkValidationPerplexity).toArray())
                    .setMarker(SeriesMarkers.NONE);
        }
        try {
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            ByteArrayOutputStream svg = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            OutputFiles.writeAtomically(Path.of(base + ".png"), png, "--plot");
            OutputFiles.writeAtomically(Path.of(base + ".svg"), svg.toByteArray(), "--plot");
        } catch (IOException e) {
            throw new InputException(base + ": cannot draw the plot (" + e.getMessage() + ")", e);
        }
    }
}
