package org.rnn4j.train;

import org.rnn4j.data.Sampler;
import org.rnn4j.optim.Optimizer;

/**
 * How to train: the minibatch shape, the schedule and the optimiser settings.
 *
 * @param batch        B, sequences per minibatch
 * @param steps        T, time steps per sequence (the truncation length of BPTT)
 * @param epochs       passes over the corpus
 * @param optimizer    SGD or Adam
 * @param lr           learning rate
 * @param clip         θ of global-norm gradient clipping
 * @param sampling     random or consecutive minibatches
 * @param randomOffset start each epoch at a random offset (the later edition of the seeds)
 * @param seed         drives initialisation, sampling and dropout
 * @param schedule     how the learning rate changes between epochs
 * @param weightDecay  λ of the optimiser's decoupled weight decay, 0 for none
 */
public record TrainConfig(int batch, int steps, int epochs, Optimizer.Kind optimizer, double lr, double clip,
                          Sampler.Kind sampling, boolean randomOffset, long seed, Schedule schedule,
                          double weightDecay) {
    /** No weight decay, as in the seeds. */
    public TrainConfig(int batch, int steps, int epochs, Optimizer.Kind optimizer, double lr, double clip,
                       Sampler.Kind sampling, boolean randomOffset, long seed, Schedule schedule) {
        this(batch, steps, epochs, optimizer, lr, clip, sampling, randomOffset, seed, schedule, 0);
    }

    /** A constant learning rate, as in the seeds. */
    public TrainConfig(int batch, int steps, int epochs, Optimizer.Kind optimizer, double lr, double clip,
                       Sampler.Kind sampling, boolean randomOffset, long seed) {
        this(batch, steps, epochs, optimizer, lr, clip, sampling, randomOffset, seed, Schedule.CONSTANT);
    }
}
