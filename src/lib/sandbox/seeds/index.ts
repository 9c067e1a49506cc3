import type {Seed} from '../types.js'

import {athenaSeed} from './athena.js'
import {baseSeed} from './base.js'
import {glueSeed} from './glue.js'
import {kinesisConsumersSeed} from './kinesis-consumers.js'
import {kinesisSeed} from './kinesis.js'
import {mwaaSeed} from './mwaa.js'
import {pipelineSeed} from './pipeline.js'
import {redshiftSeed} from './redshift.js'
import {s3LifecycleSeed} from './s3-lifecycle.js'
import {sfnSeed} from './sfn.js'

/**
 * Demo data, one seed per flow, run in this order. Each flow issue adds its own seed file here and
 * lists it below.
 */
export const SEEDS: Seed[] = [
  baseSeed,
  mwaaSeed,
  glueSeed,
  redshiftSeed,
  athenaSeed,
  kinesisSeed,
  kinesisConsumersSeed,
  s3LifecycleSeed,
  sfnSeed,
  pipelineSeed,
]
