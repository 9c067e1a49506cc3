import type {Seed} from '../types.js'

import {baseSeed} from './base.js'

/**
 * Demo data, one seed per flow, run in this order. Each flow issue adds its own seed file here and
 * lists it below.
 */
export const SEEDS: Seed[] = [baseSeed]
