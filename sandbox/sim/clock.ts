/**
 * The simulation's time. Real time by default (speed 1), faster with a speed factor, frozen at
 * speed 0, and movable by `advance()`; tests freeze it and step it so every run is reproducible.
 */
export class SimClock {
  private simBase: number;
  private wallBase: number;
  private rate: number;

  constructor(startMs: number, speed = 1, private readonly wallNow: () => number = Date.now) {
    this.simBase = startMs;
    this.wallBase = wallNow();
    this.rate = speed;
  }

  now(): number {
    return this.simBase + (this.wallNow() - this.wallBase) * this.rate;
  }

  get speed(): number {
    return this.rate;
  }

  setSpeed(speed: number): void {
    this.rebase();
    this.rate = speed;
  }

  advance(ms: number): void {
    this.rebase();
    this.simBase += ms;
  }

  private rebase(): void {
    this.simBase = this.now();
    this.wallBase = this.wallNow();
  }
}
