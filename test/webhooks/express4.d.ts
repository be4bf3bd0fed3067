// Express 4 is installed as the alias `express4` (npm:express@4) to test both majors side by side;
// its API used here is the one Express 5's types describe.
declare module 'express4' {
  import express from 'express';
  export default express;
}
