package org.rnn4j.train;

import org.rnn4j.data.Sampler;

/**
 * How to train: the minibatch shape, the schedule and the optimiser settings.
 *
 * @param batch        B, sequences per minibatch
 * @param steps        T, time steps per sequence (the truncation length of BPTT)
 * @param epochs       passes over the corpus
 * @param lr           SGD learning rate
 * @param clip         θ of global-norm gradient clipping
 * @param sampling     random or consecutive minibatches
 * @param randomOffset start each epoch at a random offset (the later edition of the seeds)
 * @param seed         drives initialisation and sampling
 */
public record TrainConfig(int batch, int steps, int epochs, double lr, double clip,
                          Sampler.Kind sampling, boolean randomOffset, long seed) {
}
