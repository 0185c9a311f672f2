// Every instruction handler, for the generated dispatch.
export * from './alu';
export * from './mov';
export * from './stack';
export * from './muldiv';
export * from './shift';
export * from './bit';
export * from './string';
export * from './misc';
export * from './sse';
export * from './x87';
export * from './sse-int';
export * from './sse-fp';
export * from './simd';
export * from './bmi';
export * from './avx';
export * from './mmx';
export * from './fma';
